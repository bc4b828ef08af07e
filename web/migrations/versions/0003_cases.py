"""Cases of the operating years (issue 20 point 5): cases, their files, transfers and
settlement statements (web.case_storage).

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cases",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("owner_id", sa.Integer, nullable=True),
        sa.Column("shared", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_cases_owner", "cases", ["owner_id"])
    op.create_table(
        "case_files",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("filename", sa.String(200), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=True),
        sa.Column("document", sa.Text, nullable=True),
        sa.Column("rows", sa.Text, nullable=True),
        sa.Column("user", sa.String(64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_case_files_case_id", "case_files", ["case_id"])
    op.create_table(
        "case_transfers",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("date", sa.String(10), nullable=False),
        sa.Column("payer", sa.String(100), nullable=False),
        sa.Column("payee", sa.String(100), nullable=False),
        sa.Column("amount_fen", sa.BigInteger, nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("reference", sa.String(200), nullable=False, server_default=""),
        sa.Column("source", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_case_transfers_case_id", "case_transfers", ["case_id"])
    op.create_table(
        "case_settlements",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("statement", sa.Text, nullable=False),
        sa.Column("user", sa.String(64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_case_settlements_case_id", "case_settlements", ["case_id"])


def downgrade() -> None:
    for name in ("case_settlements", "case_transfers", "case_files"):
        op.drop_index(f"ix_{name}_case_id", name)
        op.drop_table(name)
    op.drop_index("ix_cases_owner", "cases")
    op.drop_table("cases")
