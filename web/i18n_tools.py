"""Keep the translation catalog in step with the code: ``python -m web.i18n_tools``.

1. extracts every message of the web app (Python ``_``/``gettext`` and Jinja ``_``) and every
   error template of the engine (the English text of ``rule(...)``, ``issue(...)`` and the
   checker's ``add(...)`` in ``schemas/`` and ``sharing/``), so contract errors can be
   shown in Chinese, and every ``tr``/``ntr``/``N_`` message of ``sharing/`` (the CLI and
   the audit tools);
2. merges them into ``web/translations/zh/LC_MESSAGES/messages.po`` (existing
   translations are kept; new messages are added untranslated and listed);
3. compiles ``messages.mo``, which the app loads.
"""

from __future__ import annotations

import ast
import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

WEB = Path(__file__).resolve().parent
ROOT = WEB.parent
PO = WEB / "translations" / "zh" / "LC_MESSAGES" / "messages.po"
MO = PO.with_suffix(".mo")
METHODS = [("**/templates/**.html", "jinja2"), ("**.py", "python")]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None}


def web_messages() -> list[tuple[str | tuple[str, str], str]]:
    out = []
    for filename, _lineno, message, _comments, _ctx in extract_from_dir(
            str(WEB), METHODS, keywords=KEYWORDS,
            options_map={"**/templates/**.html": {"extensions": "jinja2.ext.i18n"}}):
        if "i18n_tools" in filename:
            continue
        out.append((message, f"web/{filename}"))
    return out


def engine_templates() -> list[tuple[str | tuple[str, str], str]]:
    """English error templates passed to rule(), issue(), add() and _refuse() in the engine,
    and the messages of ``tr(lang, …)``, ``ntr(lang, one, many, n)`` and ``N_(…)`` (the one
    translation mechanism of sharing.explain_text) in ``schemas/`` and ``sharing/``."""
    out = []
    for folder in ("schemas", "sharing"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            try:
                tree = ast.parse(path.read_text(encoding="utf-8"))
            except (SyntaxError, UnicodeDecodeError):
                continue
            for node in ast.walk(tree):
                if not isinstance(node, ast.Call):
                    continue
                name = node.func.attr if isinstance(node.func, ast.Attribute) else \
                    node.func.id if isinstance(node.func, ast.Name) else ""
                where = str(path.relative_to(ROOT))
                if name == "ntr" and len(node.args) > 2:  # ntr(lang, singular, plural, n)
                    one, many = _const(node.args[1]), _const(node.args[2])
                    if one and many:
                        out.append(((one, many), where))
                    continue
                pos = {"rule": 1, "issue": 2, "add": 2, "_refuse": 0, "tr": 1, "translate": 0,
                       "N_": 0, "warn": 2, "_msg": 0}.get(name)
                if pos is None or len(node.args) <= pos:
                    continue
                arg = node.args[pos]
                text = _const(arg)
                if text and (name != "add" or "{" in text or " " in text):
                    out.append((text, where))
    return out


def _const(node: ast.AST) -> str | None:
    """A string literal, implicit concatenation or ``+`` of literals; else None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        a, b = _const(node.left), _const(node.right)
        return a + b if a is not None and b is not None else None
    if isinstance(node, ast.JoinedStr):
        return None
    return None


#: Templates the web app itself builds from pydantic's messages (web.i18n._PYDANTIC) and
#: the generic ones of schemas.errors.from_pydantic.
EXTRA = [
    "{msg} (got {value})", "unknown field (a typo?); this place takes no field of that name",
    "this field is required", "{tag} is not a known kind; expected one of {expected}",
]


def catalog() -> Catalog:
    cat = Catalog(project="benefit-sharing", locale=None, charset="utf-8")
    for msg, where in web_messages():
        if isinstance(msg, tuple):
            cat.add(msg, locations=[(where, 0)])
        elif msg:
            cat.add(msg, locations=[(where, 0)], flags=("python-format",) if "%(" in msg else ())
    for msg, where in engine_templates():
        text = msg if isinstance(msg, str) else msg[0]
        cat.add(msg, locations=[(where, 0)],
                flags=("python-format",) if "%(" in text else ())
    for msg in EXTRA:
        cat.add(msg, locations=[("schemas/errors.py", 0)])
    cat.add(("%(num)d problem", "%(num)d problems"),  # sharing.cli: the count of issues
            locations=[("sharing/cli.py", 0)], flags=("python-format",))
    for what in ("share", "rate", "ratio", "weight", "amount", "area", "value"):
        for op in ("at least", "greater than", "at most"):  # schemas.numbers._between
            cat.add("{value} is out of range: a " + what + " must be " + op + " {bound}",
                    locations=[("schemas/numbers.py", 0)])
    from sharing.explain import TEMPLATES, WORD_CONTEXT, WORDS

    for msg in TEMPLATES.values():  # explanation templates of ledger entries
        cat.add(msg, locations=[("sharing/explain.py", 0)],
                flags=("python-brace-format",) if "{" in msg else ())
    from sharing.explain_text import EVENT_NAMES, KIND_NAMES, LEDGER_HEADERS, TABLE_LABELS
    from sharing.field_names import FIELDS, ITEMS, WHOLE_FILE

    for msg in (*ITEMS.values(), *FIELDS.values(), *WHOLE_FILE.values(), "share of {party}"):
        cat.add(msg, locations=[("sharing/field_names.py", 0)])
    for msg in (*KIND_NAMES.values(), *EVENT_NAMES.values(), *LEDGER_HEADERS, *TABLE_LABELS):
        cat.add(msg, locations=[("sharing/explain_text.py", 0)])
    for msg in WORDS.values():
        cat.add(msg, locations=[("sharing/explain.py", 0)], context=WORD_CONTEXT)
    from sharing.report import LABELS, REPORT_CONTEXT

    for msg in LABELS.values():  # the PDF report's labels and headings
        cat.add(msg, locations=[("sharing/report.py", 0)], context=REPORT_CONTEXT)
    from web.i18n import _PYDANTIC

    for _code, _pattern, msg in _PYDANTIC:
        cat.add(msg, locations=[("web/i18n.py", 0)])
    return cat


def update(translations: dict | None = None) -> list[str]:
    """Merge, fill from ``translations`` where given, write .po and .mo; return untranslated."""
    template = catalog()
    if PO.exists():
        with PO.open("rb") as f:
            po = read_po(f, locale="zh_CN")
        po.update(template, no_fuzzy_matching=True)
    else:
        po = Catalog(locale="zh_CN", project="benefit-sharing", charset="utf-8")
        po.update(template, no_fuzzy_matching=True)
    missing = []
    for m in po:
        if not m.id:
            continue
        key = m.id
        if translations and (key in translations or (isinstance(key, tuple) and
                                                     key[0] in translations)):
            t = translations[key if key in translations else key[0]]
            m.string = t
            m.flags.discard("fuzzy")
        if not m.string or (isinstance(m.string, tuple) and not all(m.string)):
            missing.append(key if isinstance(key, str) else key[0])
    po.obsolete.clear()
    PO.parent.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    write_po(buf, po, width=100, sort_output=True, omit_header=False)
    PO.write_bytes(buf.getvalue())
    compile_mo()
    return missing


def compile_mo() -> None:
    with PO.open("rb") as f:
        po = read_po(f, locale="zh_CN")
    buf = io.BytesIO()
    write_mo(buf, po, use_fuzzy=False)
    MO.write_bytes(buf.getvalue())


if __name__ == "__main__":  # pragma: no cover
    missing = update()
    for m in missing:
        print("untranslated:", m)
    print(f"{PO.relative_to(ROOT)}: {len(missing)} untranslated", file=sys.stderr)
