"""Users, API tokens, and an owner and a sharing flag for each saved scenario (issue 19).

The user ``local`` (admin, no password) is who the app runs as when bound to this machine;
scenarios saved before sign-in existed become his and are shared with every signed-in user
(everyone could see them before).

Revision ID: 0002
Revises: 0001
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    users = op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(64), nullable=False, unique=True),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=True),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("token_sha256", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.bulk_insert(users, [{"name": "local", "role": "admin", "password_hash": None,
                            "active": True, "created_at": datetime.now(UTC)}])
    op.add_column("scenarios", sa.Column("owner_id", sa.Integer, nullable=True))
    op.add_column("scenarios", sa.Column("shared", sa.Boolean, nullable=False,
                                         server_default=sa.false()))
    op.create_index("ix_scenarios_owner", "scenarios", ["owner_id"])
    op.execute("UPDATE scenarios SET owner_id = (SELECT id FROM users WHERE name = 'local'), "
               "shared = " + ("1" if op.get_bind().dialect.name == "sqlite" else "true"))


def downgrade() -> None:
    op.drop_index("ix_scenarios_owner", "scenarios")
    with op.batch_alter_table("scenarios") as batch:
        batch.drop_column("shared")
        batch.drop_column("owner_id")
    op.drop_table("api_tokens")
    op.drop_table("users")
