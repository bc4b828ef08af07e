"""What authenticates the audit log from outside its database: the key and the witness.

The **key** (HMAC-SHA256, 32 random bytes) authenticates every row, so that someone who can
write the database but is not the app cannot add, change or re-hash a row without it being
seen (docs/audit.md, "Threat model"). It comes from ``$SHARING_AUDIT_KEY`` (hex), else the file
``audit_key`` in the audit folder, created on first start with mode 0600. The file (and the
variable) may hold several keys, one a line, oldest first: the last one signs new rows, the
older ones still check the rows they signed (key rotation).

The **witness** is the log's signed head, ``{rows, head, last_id, at, key_id, mac}``, kept in a
file beside the instance and rewritten atomically (temporary file, then rename) after every
append. The same object, downloaded, is a **checkpoint**: an auditor who keeps one can later
tell whether the rows it covers are still the same.

The audit folder is ``$SHARING_AUDIT_DIR``, else the folder of the SQLite database file, else
the web app's instance folder.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import fcntl
import hashlib
import hmac
import json
import os
import secrets
import threading
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

KEY_FILE = "audit_key"
FORMAT = "sharing-audit-checkpoint/1"


def key_id(key: bytes) -> str:
    """A public name for a key (it reveals nothing of the key)."""
    return hmac.new(key, b"sharing audit key id", hashlib.sha256).hexdigest()[:16]


class KeyError_(ValueError):
    """The key material is unusable (not hex, too short)."""


@dataclass
class Keyring:
    keys: dict[str, bytes]  # key id -> key, oldest first
    source: str  # where the keys came from (a path or the variable's name)
    created: bool = False  # the key was made just now (first start)

    @property
    def current(self) -> str:
        return list(self.keys)[-1]

    def mac(self, data: str, kid: str | None = None) -> str:
        return hmac.new(self.keys[kid or self.current], data.encode("utf-8"),
                        hashlib.sha256).hexdigest()

    def check(self, data: str, mac: str | None, kid: str | None) -> bool:
        if not mac or kid not in self.keys:
            return False
        return hmac.compare_digest(self.mac(data, kid), mac)


def _parse_keys(text: str, source: str) -> dict[str, bytes]:
    keys: dict[str, bytes] = {}
    for line in text.replace(",", "\n").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        try:
            key = bytes.fromhex(line)
        except ValueError:
            raise KeyError_(f"{source}: an audit key must be hexadecimal") from None
        if len(key) < 32:
            raise KeyError_(f"{source}: an audit key needs at least 32 bytes (64 hex digits)")
        keys[key_id(key)] = key
    if not keys:
        raise KeyError_(f"{source}: holds no audit key")
    return keys


def _write_private(path: Path, text: str, *, exclusive: bool) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    flags = os.O_WRONLY | os.O_CREAT | (os.O_EXCL if exclusive else os.O_TRUNC)
    fd = os.open(path, flags, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(text)
    os.chmod(path, 0o600)


def _create_whole(path: Path, text: str) -> bool:
    """Create ``path`` (mode 0600) holding ``text``, unless it exists; True if made here.

    The content is written to a private temporary file first and linked into place, so a
    concurrent reader (another worker making the key at the same first start) sees either no
    file or the whole key, never an empty one."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    _write_private(tmp, text, exclusive=False)
    try:
        os.link(tmp, path)
        return True
    except FileExistsError:  # another process or thread made it first
        return False
    finally:
        os.unlink(tmp)


def load_keyring(folder: Path, *, create: bool = True) -> Keyring | None:
    """The keys: ``$SHARING_AUDIT_KEY``, else ``folder/audit_key`` (made when missing and
    ``create``); None when there is none."""
    env = os.environ.get("SHARING_AUDIT_KEY")
    if env:
        return Keyring(_parse_keys(env, "SHARING_AUDIT_KEY"), "SHARING_AUDIT_KEY")
    path = folder / KEY_FILE
    try:
        return Keyring(_parse_keys(path.read_text(), str(path)), str(path))
    except FileNotFoundError:
        if not create:
            return None
    created = _create_whole(path, secrets.token_hex(32) + "\n")
    return Keyring(_parse_keys(path.read_text(), str(path)), str(path), created=created)


def rotate_key(folder: Path) -> tuple[str, str]:
    """Add a new key to ``folder/audit_key`` (the older ones stay, to check old rows).
    Returns (old key id, new key id)."""
    if os.environ.get("SHARING_AUDIT_KEY"):
        raise KeyError_("the key comes from SHARING_AUDIT_KEY: add the new key as the last "
                        "line of the variable instead")
    path = folder / KEY_FILE
    old = _parse_keys(path.read_text(), str(path))
    new = secrets.token_hex(32)
    text = path.read_text().rstrip("\n") + "\n" + new + "\n"
    tmp = path.with_name(path.name + ".new")
    _write_private(tmp, text, exclusive=False)
    os.replace(tmp, path)
    return list(old)[-1], key_id(bytes.fromhex(new))


# ---- the witness / checkpoint -------------------------------------------------------------

@dataclass
class Checkpoint:
    rows: int  # rows in the log's chain when it was made
    head: str  # the last of them's row_hash (64 zeros for an empty log)
    last_id: int | None  # that row's id
    at: str  # when it was made (UTC)
    key_id: str
    mac: str = ""
    format: str = FORMAT

    def content(self) -> str:
        body = {k: v for k, v in asdict(self).items() if k != "mac"}
        return json.dumps(body, sort_keys=True, separators=(",", ":"))

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True, indent=1) + "\n"

    @classmethod
    def parse(cls, text: str | bytes) -> Checkpoint:
        """A checkpoint from its JSON; ValueError naming what is wrong."""
        try:
            data = json.loads(text)
        except (ValueError, UnicodeDecodeError) as e:
            raise ValueError(f"the checkpoint is not JSON ({e})") from None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ValueError(f"the checkpoint is not a {FORMAT} object")
        try:
            cp = cls(rows=int(data["rows"]), head=str(data["head"]),
                     last_id=None if data.get("last_id") is None else int(data["last_id"]),
                     at=str(data["at"]), key_id=str(data["key_id"]), mac=str(data["mac"]))
        except (KeyError, TypeError, ValueError) as e:
            raise ValueError(f"the checkpoint lacks or mangles the field {e}") from None
        if cp.rows < 0 or len(cp.head) != 64:
            raise ValueError("the checkpoint's rows or head is malformed")
        return cp


def sign(keyring: Keyring, rows: int, head: str, last_id: int | None) -> Checkpoint:
    cp = Checkpoint(rows=rows, head=head, last_id=last_id,
                    at=_dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
                    key_id=keyring.current)
    cp.mac = keyring.mac(cp.content(), cp.key_id)
    return cp


def read_witness(path: Path) -> Checkpoint | None:
    try:
        return Checkpoint.parse(path.read_text())
    except FileNotFoundError:
        return None


def write_witness(path: Path, cp: Checkpoint) -> None:
    """Atomically: a reader sees the old witness or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(cp.to_json())
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


@contextlib.contextmanager
def witness_lock(path: Path) -> Iterator[None]:
    """One process at a time reads and rewrites the witness (an advisory file lock)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path.with_name(path.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def describe(cp: Checkpoint) -> dict[str, Any]:
    return asdict(cp)
