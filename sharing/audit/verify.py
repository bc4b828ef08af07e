"""``sharing verify RESULT.json CONTRACT``: recompute a result and compare it byte for byte.

The stored result is compared with the one this engine computes from the contract: first as
bytes (the file exactly as ``sharing run --format json`` writes it), then, if the bytes differ,
as content (canonical JSON: sorted keys, no spaces), so a result saved with other formatting
is still recognised; if the content differs, the first difference is named by its path in the
JSON (``parties.beijing.net_by_year[3]``) with both values. The stored ``result_sha256`` is
also checked against the file's own content, which shows a file edited after it was computed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any


@dataclass
class VerifyOutcome:
    identical: bool  # same content (canonical JSON)
    byte_identical: bool  # same bytes as `sharing run --format json` writes
    contract_sha256: str
    stored_contract_sha256: str | None
    result_sha256: str
    stored_result_sha256: str | None
    stored_hash_ok: bool  # the stored result_sha256 matches the stored content
    engine_version: str
    stored_engine_version: str | None
    difference: tuple[str, Any, Any] | None  # (path, stored, recomputed)

    def format(self) -> str:
        lines = [f"contract sha256   {self.contract_sha256}",
                 f"result sha256     {self.result_sha256} (recomputed)",
                 f"stored result     {self.stored_result_sha256}",
                 f"engine            benefit-sharing {self.engine_version}"
                 + (f" (the file says {self.stored_engine_version})"
                    if self.stored_engine_version != self.engine_version else "")]
        if not self.stored_hash_ok:
            lines.append("the stored result_sha256 does not match the file's own content: the "
                         "file was edited after it was computed")
        if self.stored_contract_sha256 not in (None, self.contract_sha256):
            lines.append(f"the result was computed from another contract "
                         f"(its contract_sha256 is {self.stored_contract_sha256})")
        if self.byte_identical:
            lines.append("VERIFIED: the result is byte-identical to the one recomputed now")
        elif self.identical:
            lines.append("VERIFIED: the content is identical to the one recomputed now (the "
                         "file's formatting differs from `sharing run --format json`)")
        else:
            path, a, b = self.difference or ("", None, None)
            lines.append("DIFFERS: first difference at " + (path or "(the document)"))
            lines.append(f"  in the file:  {json.dumps(a, ensure_ascii=False)}")
            lines.append(f"  recomputed:   {json.dumps(b, ensure_ascii=False)}")
        return "\n".join(lines) + "\n"


_MISSING = object()


def first_difference(a: Any, b: Any, path: str = "") -> tuple[str, Any, Any] | None:
    """The first place where two JSON values differ, in document order, or None."""
    if isinstance(a, dict) and isinstance(b, dict):
        for k in list(b) + [k for k in a if k not in b]:
            sub = f"{path}.{k}" if path else str(k)
            av, bv = a.get(k, _MISSING), b.get(k, _MISSING)
            if av is _MISSING or bv is _MISSING:
                return (sub, None if av is _MISSING else av, None if bv is _MISSING else bv)
            d = first_difference(av, bv, sub)
            if d:
                return d
        return None
    if isinstance(a, list) and isinstance(b, list):
        for i in range(max(len(a), len(b))):
            sub = f"{path}[{i}]"
            if i >= len(a) or i >= len(b):
                return (sub, a[i] if i < len(a) else None, b[i] if i < len(b) else None)
            d = first_difference(a[i], b[i], sub)
            if d:
                return d
        return None
    if type(a) is not type(b) or a != b:
        return (path, a, b)
    return None


def canonical(doc: Any) -> str:
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def cli_bytes(result: dict[str, Any]) -> bytes:
    """The bytes ``sharing run --format json`` writes for a result."""
    return (json.dumps(result, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def verify_result(stored: Any, contract: Any) -> VerifyOutcome:
    """Compare a stored result (bytes, text or parsed dict) with a fresh run of ``contract``."""
    from sharing import __version__
    from sharing.api import run_contract
    from sharing.result import contract_sha256, result_sha256

    raw: bytes | None = None
    if isinstance(stored, bytes):
        raw = stored
        doc = json.loads(stored.decode("utf-8"))
    elif isinstance(stored, str):
        raw = stored.encode("utf-8")
        doc = json.loads(stored)
    else:
        doc = stored
    fresh = run_contract(contract)
    byte_identical = raw is not None and raw == cli_bytes(fresh)
    identical = canonical(doc) == canonical(fresh)
    stored_sha = doc.get("result_sha256") if isinstance(doc, dict) else None
    stored_hash_ok = isinstance(doc, dict) and stored_sha == result_sha256(doc)
    engine = doc.get("engine") if isinstance(doc, dict) else None
    return VerifyOutcome(
        identical=identical, byte_identical=byte_identical,
        contract_sha256=contract_sha256(contract),
        stored_contract_sha256=doc.get("contract_sha256") if isinstance(doc, dict) else None,
        result_sha256=fresh["result_sha256"], stored_result_sha256=stored_sha,
        stored_hash_ok=stored_hash_ok, engine_version=__version__,
        stored_engine_version=engine.get("version") if isinstance(engine, dict) else None,
        difference=None if identical else first_difference(doc, fresh))
