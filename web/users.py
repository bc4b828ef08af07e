"""Users, their roles and API tokens, in the app's database (tables ``users``, ``api_tokens``).

Passwords are kept as argon2id hashes (argon2-cffi's ``PasswordHasher``, its default
parameters); API tokens as the SHA-256 of the token, which is shown once when it is made.
A removed user is kept, disabled (no password, no tokens, cannot sign in): the audit log
names people, and a name must keep meaning the same person.

The user ``local`` (admin, no password) is made by the migration: it is who the app runs as
when bound to this machine only (``AUTH_MODE = "local"``, see :mod:`web.auth`).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Engine,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    func,
    insert,
    select,
    update,
)
from sqlalchemy import delete as sql_delete

from .roles import ROLES  # the four roles: who may read and change which saved scenarios

metadata = MetaData()

users = Table(
    "users", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(64), nullable=False, unique=True),
    Column("role", String(20), nullable=False),
    Column("password_hash", String(200), nullable=True),
    Column("active", Boolean, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

api_tokens = Table(
    "api_tokens", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("token_sha256", String(64), nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

LOCAL = "local"
NAME_RE = re.compile(r"^[\w.@-]{1,64}$")
PASSWORD_MIN = 8
TOKEN_PREFIX = "sk_"

_hasher = PasswordHasher()


def role_label(role: str, gettext: Callable[[str], str]) -> str:
    """The role as a person reads it, in the language of ``gettext``."""
    labels = {"negotiator": gettext("Negotiator"), "finance_officer": gettext("Finance officer"),
              "auditor": gettext("Auditor"), "admin": gettext("Administrator")}
    return labels.get(role, role)


@dataclass(frozen=True)
class User:
    id: int
    name: str
    role: str
    active: bool
    has_password: bool
    stamp: str  # changes with the password: a reset ends the user's sessions

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def is_auditor(self) -> bool:
        return self.role == "auditor"


class UserError(ValueError):
    """A refused user operation; ``code`` says which rule, ``params`` what was given."""

    def __init__(self, code: str, **params: str):
        super().__init__(code, params)
        self.code = code
        self.params = params


def _user(row) -> User:
    h = row.password_hash or ""
    stamp = hashlib.sha256(h.encode()).hexdigest()[:12]
    return User(row.id, row.name, row.role, bool(row.active), bool(h), stamp)


def _now() -> datetime:
    return datetime.now(UTC)


def check_name(name: str) -> str:
    name = (name or "").strip()
    if not NAME_RE.match(name):
        raise UserError("bad_name", name=name)
    return name


def check_password(password: str) -> None:
    if len(password or "") < PASSWORD_MIN:
        raise UserError("short_password", min=str(PASSWORD_MIN))


def add_user(engine: Engine, name: str, role: str, password: str) -> User:
    name = check_name(name)
    if role not in ROLES:
        raise UserError("bad_role", role=role, roles=", ".join(ROLES))
    check_password(password)
    with engine.begin() as conn:
        if conn.execute(select(users.c.id).where(users.c.name == name)).first():
            raise UserError("exists", name=name)
        conn.execute(insert(users).values(name=name, role=role, active=True,
                                          password_hash=_hasher.hash(password),
                                          created_at=_now()))
    found = get_by_name(engine, name)
    assert found is not None
    return found


def get_by_name(engine: Engine, name: str) -> User | None:
    with engine.connect() as conn:
        row = conn.execute(select(users).where(users.c.name == name)).first()
    return _user(row) if row is not None else None


def get_by_id(engine: Engine, uid: int) -> User | None:
    with engine.connect() as conn:
        row = conn.execute(select(users).where(users.c.id == uid)).first()
    return _user(row) if row is not None else None


def list_users(engine: Engine) -> list[User]:
    with engine.connect() as conn:
        return [_user(r) for r in conn.execute(select(users).order_by(users.c.id))]


def names_by_id(engine: Engine) -> dict[int, str]:
    with engine.connect() as conn:
        return {r.id: r.name for r in conn.execute(select(users.c.id, users.c.name))}


def _existing(engine: Engine, name: str) -> User:
    user = get_by_name(engine, name)
    if user is None or not user.active:
        raise UserError("unknown", name=name)
    return user


def remove_user(engine: Engine, name: str) -> None:
    """Disable the user (kept for the audit log's names); their tokens are deleted."""
    user = _existing(engine, name)
    if user.name == LOCAL:
        raise UserError("local", name=name)
    with engine.begin() as conn:
        conn.execute(update(users).where(users.c.id == user.id).values(
            active=False, password_hash=None))
        conn.execute(sql_delete(api_tokens).where(api_tokens.c.user_id == user.id))


def set_password(engine: Engine, name: str, password: str) -> None:
    user = _existing(engine, name)
    check_password(password)
    with engine.begin() as conn:
        conn.execute(update(users).where(users.c.id == user.id).values(
            password_hash=_hasher.hash(password)))


def authenticate(engine: Engine, name: str, password: str) -> User | None:
    """The user when ``password`` is theirs; None otherwise (the same time either way)."""
    with engine.connect() as conn:
        row = conn.execute(select(users).where(users.c.name == (name or "").strip())).first()
    stored = row.password_hash if row is not None and row.active else None
    try:
        # an unknown name is verified against a dummy hash, so timing tells nothing
        ok = _hasher.verify(stored or _DUMMY, password or "")
    except (VerificationError, InvalidHashError):
        ok = False
    return _user(row) if ok and stored else None


_DUMMY = _hasher.hash(secrets.token_hex(16))


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def create_token(engine: Engine, name: str) -> str:
    """A new API token of the user: returned once, stored only as its SHA-256."""
    user = _existing(engine, name)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with engine.begin() as conn:
        conn.execute(insert(api_tokens).values(user_id=user.id, token_sha256=sha256(token),
                                               created_at=_now()))
    return token


def user_for_token(engine: Engine, token: str) -> User | None:
    if not token or len(token) > 200:
        return None
    with engine.connect() as conn:
        row = conn.execute(select(users).join(api_tokens, api_tokens.c.user_id == users.c.id)
                           .where(api_tokens.c.token_sha256 == sha256(token))).first()
    user = _user(row) if row is not None else None
    return user if user is not None and user.active else None


def count_admins_with_password(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(users).where(
            users.c.role == "admin", users.c.active.is_(True),
            users.c.password_hash.is_not(None))).scalar_one())
