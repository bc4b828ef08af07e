"""The PDF report of one contract and its result, in Chinese or English (fpdf2).

    pdf_bytes = render_pdf(contract, result, lang="zh")     # the web app's PDF download
    sharing report CONTRACT --pdf OUT [--lang zh|en]        # the same from the command line

Contents: a cover with the parties and the hashes; the terms in words, generated from the
contract (:mod:`sharing.audit.terms`); a per-party summary; the year × party table; a chart
of each party's net cash flow by year with its cumulative net; indicators, pool balances and
equity ratios where the contract has them; each clause's trace (its ledger entries with their
``why``); the events. Every page's footer carries the contract hash, the result hash and the
engine version, so a printed page can be matched to the result it came from.

Chinese text needs a CJK TrueType font. The first that exists of ``$SHARING_PDF_FONT``
(``path`` or ``path:index`` for a .ttc collection), Noto Sans CJK SC (Debian fonts-noto-cjk),
WenQuanYi Micro Hei / Zen Hei, DejaVu Sans with Droid Sans Fallback for the Han characters, or
the subset of Noto Sans CJK SC shipped in ``sharing/fonts/`` (so a machine with no font installed
still prints Chinese) is used; :class:`FontMissing` says what to install when none is there.
"""

from __future__ import annotations

import os
from collections import defaultdict
from decimal import Decimal
from fractions import Fraction
from typing import Any

from sharing.audit.terms import split_bilingual

__all__ = ["FontMissing", "find_fonts", "render_pdf"]

_NOTO = "/usr/share/fonts/opentype/noto/"
#: (regular path, collection index, bold path or None, bold index)
FONT_CANDIDATES: list[tuple[str, int, str | None, int]] = [
    (_NOTO + "NotoSansCJK-Regular.ttc", 2, _NOTO + "NotoSansCJK-Bold.ttc", 2),
    ("/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf", 0,
     "/usr/share/fonts/opentype/noto/NotoSansCJKsc-Bold.otf", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0, None, 0),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0, None, 0),
]
_DEJAVU = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
_DEJAVU_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
_DROID = "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"
#: Noto Sans CJK SC cut to GB 2312 and more, shipped in the package (sharing/fonts/README.md):
#: the PDF prints Chinese on a machine with no font installed.
BUNDLED_FONT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fonts",
                            "NotoSansSC-Subset.otf")

HEAD_COLOR = (20, 60, 120)
PALETTE = [(31, 119, 180), (255, 127, 14), (44, 160, 44), (214, 39, 40), (148, 103, 189),
           (140, 86, 75), (227, 119, 194), (127, 127, 127), (188, 189, 34), (23, 190, 207)]


class FontMissing(RuntimeError):
    """No font able to print Chinese was found."""


#: The report's labels and headings: English message ids, translated with the message
#: context REPORT_CONTEXT (so "NPV" here may read 净现值 NPV without changing the word
#: elsewhere; web.i18n_tools adds them to the catalog); ``{n}`` placeholders are filled by
#: the caller.
REPORT_CONTEXT = "report"
LABELS = {
    "report": "Benefit-sharing report",
    "parties": "Parties",
    "period": "Period",
    "unit": "Amounts",
    "yuan": "yuan (file unit: {u})",
    "engine": "Engine",
    "contract_hash": "Contract hash (SHA-256)",
    "result_hash": "Result hash (SHA-256)",
    "last_year": "Last year of the clauses",
    "terms": "1. The terms (generated from the contract)",
    "summary": "2. Per-party summary",
    "years": "3. Net cash flow by year (yuan)",
    "chart": "4. Chart: each party's net cash flow by year and cumulative net",
    "indicators": "Indicator ledger (not money)",
    "pools": "Risk pool balance at year end (yuan)",
    "equity": "Equity ratios",
    "deficit": "deficit",
    "trace": "5. Each clause's trace (ledger entries and why)",
    "events": "6. Events",
    "no_events": "No events.",
    "id": "id",
    "name": "name",
    "role": "role",
    "net_total": "net total",
    "npv": "NPV",
    "irr": "IRR",
    "rate": "discount rate",
    "year": "year",
    "total": "total",
    "stream": "stream",
    "party": "party",
    "kind": "kind",
    "amount": "amount (yuan)",
    "why": "why",
    "clause": "clause",
    "detail": "detail",
    "unclaimed": "Amounts no clause claims (to the receiving party)",
    "no_entries": "No ledger entries for this clause.",
    "metric": "item",
    "cumulative": "cumulative net (lines)",
    "net": "net cash flow (bars)",
    "page": "page {n}",
    "footer_engine": "engine",
    "wan": "10k yuan",
    "none": "—",
    "handover": "handover",
    "ledger_count": "{n} entries",
    "pages": "page {n} of {nb}",
    "report_date": "Report date",
    "no_exit": "— (no exit triggered: the clauses apply to the contract's last year, {y})",
    "inputs": "Inputs: every stream's gross and shareable amount (after local retention) by year (yuan, all years)",
    "gross": "gross",
    "shareable": "shareable",
    "indicator_unit": " (indicator, not money)",
    "params": "Clause parameters (caps, floors, rates, thresholds…, as in the contract file)",
    "field": "field",
    "value": "value",
    "file_unit": "amounts in the file's unit: {u}",
    "pre_total": "taxes paid before the move, in all = {v} yuan",
    "signoff": "Sign-off",
    "prepared": "Prepared by",
    "reviewed": "Reviewed by",
    "date": "Date",
    "signoff_note": "This report was generated by the engine from the contract above; before signing, check the contract and result hashes in the footer.",
    "basis_total": "revenue split (basis: total)",
    "exit_year": "{y} (exit triggered in {t}; the clauses apply up to {y}, then every stream "
                 "goes whole to the successor)",
    "term_total": "net total {a}–{b}",
    "cover_npv": "NPV (discount rate)",
    "all_parties": "all parties",
    "cover_note": "Net total: the sum of the years' net cash flows over the term (yuan). NPV: each "
                  "year-end flow discounted at the party's rate to the start of year 1.",
}
KIND_ZH = {"baseline": "基数", "share": "分成", "cap_excess": "超上限转分", "unclaimed": "未认领",
           "contribution": "出资", "dividend": "分红", "retained": "公司留存", "loss": "亏损分担",
           "cost": "成本", "pool_in": "划入资金池", "pool_out": "资金池支付", "backstop": "兜底",
           "buyout": "回购价款", "penalty": "违约金", "residual": "资金池余额分配", "handover": "期满移交"}
ROLE_ZH = {"sending": "飞出地", "receiving": "飞入地", "other": "其他"}
def labels(lang: str) -> dict[str, str]:
    """The report's labels in ``lang``, through the one catalog (sharing.explain_text)."""
    from sharing.explain_text import translations

    cat = translations(lang)
    return {k: cat.pgettext(REPORT_CONTEXT, v) for k, v in LABELS.items()}


def find_fonts() -> tuple[tuple[str, int], tuple[str, int] | None, str | None]:
    """(regular (path, index), bold or None, fallback path or None) for a CJK-capable font."""
    env = os.environ.get("SHARING_PDF_FONT")
    if env:
        path, _, idx = env.partition(":") if not os.path.exists(env) else (env, "", "")
        if os.path.exists(path):
            return (path, int(idx or 0)), None, None
    for reg, ri, bold, bi in FONT_CANDIDATES:
        if os.path.exists(reg):
            return (reg, ri), ((bold, bi) if bold and os.path.exists(bold) else None), None
    if os.path.exists(_DEJAVU) and os.path.exists(_DROID):
        return (_DEJAVU, 0), ((_DEJAVU_BOLD, 0) if os.path.exists(_DEJAVU_BOLD) else None), _DROID
    if os.path.exists(BUNDLED_FONT):
        return (BUNDLED_FONT, 0), None, None
    raise FontMissing("no font that prints Chinese was found: install Debian's fonts-noto-cjk "
                      "(or fonts-wqy-microhei), or set SHARING_PDF_FONT=/path/to/font.ttf[:index]")


def _grouped(amount: str) -> str:
    sign = "-" if amount.startswith("-") else ""
    whole, _, cents = amount.lstrip("-").partition(".")
    return f"{sign}{int(whole):,}.{cents or '00'}"


def _yuan(fen: int) -> str:
    """Whole fen as grouped yuan with two decimals, exactly (no float)."""
    sign = "-" if fen < 0 else ""
    y, f = divmod(abs(fen), 100)
    return f"{sign}{y:,}.{f:02d}"


def _fen(amount: str) -> int:
    return int(Decimal(amount) * 100)


def _ratio_text(r: str | None) -> str:
    if r is None:
        return "—"
    f = Fraction(r)
    pct = f * 100
    if pct.denominator == 1:
        return f"{pct.numerator}%"
    return f"{r} ({float(pct):.2f}%)"


def render_pdf(contract: Any, result: dict[str, Any], lang: str = "zh",
               report_date: str | None = None) -> bytes:
    """The report of ``contract`` (a schemas Contract) and its §4 ``result`` as PDF bytes.

    ``report_date`` (ISO date; default today, UTC) is printed on the cover and in the
    sign-off block; it is not part of any hash, so the same contract, result and date give
    the same bytes."""
    if lang not in ("zh", "en"):
        raise ValueError(f"lang must be 'zh' or 'en', not {lang!r}")
    if report_date is None:
        import datetime as _dt

        report_date = _dt.datetime.now(_dt.UTC).date().isoformat()
    return _Report(contract, result, lang, report_date).build()


class _Report:
    def __init__(self, contract: Any, result: dict[str, Any], lang: str, report_date: str = ""):
        from fpdf import FPDF

        self.report_date = report_date
        self.c = contract
        self.r = result
        self.lang = lang
        self.L = labels(lang)
        self.zh = lang == "zh"
        from fpdf.enums import WrapMode

        # Chinese has no spaces to break at: break between any two characters.
        self.wrap = WrapMode.CHAR if self.zh else WrapMode.WORD
        self.party_ids = list(result["parties"])
        rep = self

        class _PDF(FPDF):
            def footer(self) -> None:  # noqa: D401 - fpdf hook
                rep._footer(self)

        pdf = _PDF(orientation="P", unit="mm", format="A4")
        pdf.set_auto_page_break(True, margin=20)
        pdf.set_margins(15, 15, 15)
        (reg, ri), bold, fallback = find_fonts()
        kw = {"collection_font_number": ri} if reg.lower().endswith(".ttc") else {}
        # One face only: a second CJK face doubles the time to load and to subset fonts
        # (about a second each); headings stand out by size and colour instead.
        pdf.add_font("body", "", reg, **kw)
        if fallback is not None:
            pdf.add_font("fallback", "", fallback)
            pdf.set_fallback_fonts(["fallback"])
        pdf.set_title(str(result.get("name") or "report"))
        pdf.set_creator(f"benefit-sharing {result['engine']['version']}")
        pdf.set_subject(f"contract sha256 {result['contract_sha256']}; result sha256 "
                        f"{result.get('result_sha256', '')}")
        pdf.set_keywords(f"contract_sha256={result['contract_sha256']} "
                         f"result_sha256={result.get('result_sha256', '')} "
                         f"engine={result['engine']['name']}/{result['engine']['version']}")
        # A fixed creation date keeps the same contract's report byte-stable.
        import datetime as _dt

        pdf.set_creation_date(_dt.datetime(2000, 1, 1, tzinfo=_dt.UTC))
        self.pdf = pdf

    # ---- building blocks -------------------------------------------------------------------
    def _footer(self, pdf: Any) -> None:
        pdf.set_y(-15)
        pdf.set_font("body", "", 6.5)
        pdf.set_text_color(90, 90, 90)
        r = self.r
        pdf.cell(0, 3.2, f"contract sha256 {r['contract_sha256']}", new_x="LMARGIN", new_y="NEXT")
        pdf.cell(0, 3.2, f"result sha256 {r.get('result_sha256', '')}", new_x="LMARGIN",
                 new_y="NEXT")
        pages = self.L["pages"].replace("{n}", str(pdf.page_no())).replace(
            "{nb}", pdf.str_alias_nb_pages)
        pdf.cell(0, 3.2, f"{self.L['footer_engine']} {r['engine']['name']} "
                 f"{r['engine']['version']}  ·  " + pages, new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(0, 0, 0)

    def h1(self, text: str) -> None:
        pdf = self.pdf
        pdf.ln(2)
        pdf.set_font("body", "", 13)
        pdf.set_text_color(*HEAD_COLOR)
        pdf.multi_cell(0, 7, text, new_x="LMARGIN", new_y="NEXT", align="L", wrapmode=self.wrap)
        pdf.set_text_color(0, 0, 0)
        pdf.set_draw_color(*HEAD_COLOR)
        pdf.line(15, pdf.get_y(), 195, pdf.get_y())
        pdf.set_draw_color(0, 0, 0)
        pdf.ln(1.5)

    def h2(self, text: str) -> None:
        pdf = self.pdf
        pdf.ln(1)
        pdf.set_font("body", "", 10.5)
        pdf.set_text_color(*HEAD_COLOR)
        pdf.multi_cell(0, 5.5, text, new_x="LMARGIN", new_y="NEXT", align="L",
                       wrapmode=self.wrap)
        pdf.set_text_color(0, 0, 0)

    def para(self, text: str, size: float = 9) -> None:
        pdf = self.pdf
        pdf.set_font("body", "", size)
        pdf.multi_cell(0, size * 0.52, self.wrapped(text, pdf.epw - 2 * pdf.c_margin - 1),
                       new_x="LMARGIN",
                       new_y="NEXT", align="L", wrapmode=self.wrap)
        pdf.ln(0.8)

    def wrapped(self, text: str, width: float) -> str:
        """``text`` broken into lines that fit ``width`` (mm) in the current font, never
        inside a number (with its 元 / % / yuan) or an ASCII word; Chinese breaks anywhere
        else. The result's lines are short enough that fpdf does not break them again."""
        import re

        out: list[str] = []
        for raw in text.split("\n"):
            tokens = re.findall(r"[-−]?\d[\d,.:/]*(?:\s?(?:元|万元|yuan|%))?|[A-Za-z0-9_\-.'’()/]+"
                                r"|\s+|.", raw)
            line = ""
            for tok in tokens:
                trial = line + tok
                if line and self.pdf.get_string_width(trial) > width:
                    out.append(line.rstrip())
                    line = tok.lstrip()
                else:
                    line = trial
            out.append(line.rstrip())
        return "\n".join(out)

    def table(self, rows: list[list[str]], widths: list[float], align: list[str],
              size: float = 8, head: bool = True) -> None:
        from fpdf.enums import WrapMode

        pdf = self.pdf
        pdf.set_font("body", "", size)
        total = sum(widths)
        with pdf.table(col_widths=widths, width=total, text_align=align, align="LEFT",
                       line_height=size * 0.5, first_row_as_headings=head,
                       headings_style=_headings(), padding=0.8, wrapmode=WrapMode.WORD) as t:
            for row in rows:
                tr = t.row()
                for cell, w in zip(row, widths, strict=False):
                    tr.cell(self.wrapped(cell, w - 2.2) if len(cell) > 8 else cell)
        pdf.ln(2)

    def party_name(self, pid: str) -> str:
        name = self.r["parties"][pid].get("name") or pid
        return split_bilingual(name)[0 if self.zh else 1]

    def short_party(self, pid: str | None) -> str:
        return "—" if pid is None else pid

    # ---- sections --------------------------------------------------------------------------
    def build(self) -> bytes:
        self.pdf.alias_nb_pages()
        self.cover()
        self.terms()
        self.inputs()
        self.parameters()
        self.summary()
        self.year_table()
        self.chart()
        self.extras()
        self.trace()
        self.events()
        self.signoff()
        return bytes(self.pdf.output())

    def inputs(self) -> None:
        """Every stream in full, all years: the gross amount (the projection) and the
        shareable amount after local retention (semantics §2), so each step can be traced."""
        from sharing.streams import project

        L, r, c = self.L, self.r, self.c
        if self.pdf.get_y() > self.pdf.h - 80:
            self.pdf.add_page()
        self.h1(L["inputs"])
        streams = list(c.streams)
        for k in range(0, len(streams), 2):
            group = streams[k:k + 2]
            head = [L["year"]]
            cols = []
            for st in group:
                ind = L["indicator_unit"] if st.kind == "indicator" else ""
                head += [f"{st.id} {L['gross']}{ind}", f"{st.id} {L['shareable']}{ind}"]
                gross = project(c, st).projected
                share = r["streams"].get(st.id, {}).get("shareable_by_year") or [None] * len(gross)
                cols.append((gross, share))
            rows = [head]
            for i, y in enumerate(r["years"]):
                row = [str(y)]
                for gross, share in cols:
                    row.append(_yuan(gross[i]))
                    row.append(_grouped(share[i]) if share[i] is not None else "—")
                rows.append(row)
            n = len(head) - 1
            self.table(rows, [18] + [162 / n] * n, ["LEFT"] + ["RIGHT"] * n, size=7.5)
            names = " · ".join(f"{st.id}: {self.pick(st.name) if st.name else st.id}"
                               for st in group)
            self.para(names, 7)

    def pick(self, text: str) -> str:
        return split_bilingual(text)[0 if self.zh else 1]

    def parameters(self) -> None:
        """The figures each clause turns on, stated as the file gives them."""
        L, c = self.L, self.c
        keys = ("cap", "floor", "rate", "threshold", "baseline", "amount", "per_year",
                "cumulative", "payout", "price", "penalty", "growth", "consecutive")
        rows = [[L["clause"], L["field"], L["value"]]]
        for i, cl in enumerate(c.clauses):
            doc = cl.model_dump(mode="json", exclude_none=True)
            for path, value in _leaves(doc, f"clauses[{i}]"):
                tail = path.split(".", 1)[1] if "." in path else path
                if any(k in tail for k in keys):
                    text = str(value)
                    if value == "pre_relocation_total":
                        total = sum((Fraction(v) for st in c.streams
                                     for v in (st.pre_relocation_tax or [])), Fraction(0))
                        fen = total * c.unit_fen
                        text += " (" + L["pre_total"].format(
                            v=_yuan(int(fen)) if fen.denominator == 1 else str(fen / 100)) + ")"
                    rows.append([cl.id, tail, text])
        if len(rows) == 1:
            return
        self.h2(L["params"])
        unit = "万元" if c.unit == "wan" else ("元" if self.zh else "yuan")
        self.para(L["file_unit"].format(u=unit), 7.5)
        self.table(rows, [34, 76, 70], ["LEFT", "LEFT", "LEFT"], size=7.5)

    def signoff(self) -> None:
        L, pdf = self.L, self.pdf
        if pdf.get_y() > pdf.h - 70:
            pdf.add_page()
        self.h1(L["signoff"])
        self.para(L["signoff_note"], 8.5)
        rows = [[L["report_date"], self.report_date, "", ""],
                [L["prepared"], "", L["date"], ""],
                [L["reviewed"], "", L["date"], ""]]
        pdf.set_font("body", "", 9)
        with pdf.table(col_widths=[30, 70, 20, 60], width=180, text_align="LEFT",
                       line_height=9, first_row_as_headings=False, padding=1.5) as t:
            for row in rows:
                tr = t.row()
                for cell in row:
                    tr.cell(cell)

    def cover(self) -> None:
        pdf, L, r, c = self.pdf, self.L, self.r, self.c
        pdf.add_page()
        zh_title, en_title = split_bilingual(r.get("name") or "")
        pdf.set_font("body", "", 16)
        pdf.set_text_color(*HEAD_COLOR)
        pdf.multi_cell(0, 8, zh_title if self.zh else en_title, new_x="LMARGIN", new_y="NEXT",
                       align="L")
        pdf.set_text_color(0, 0, 0)
        if zh_title != en_title:
            pdf.set_font("body", "", 10)
            pdf.multi_cell(0, 5.5, en_title if self.zh else zh_title, new_x="LMARGIN",
                           new_y="NEXT", align="L")
        pdf.ln(1)
        pdf.set_font("body", "", 12)
        pdf.cell(0, 7, L["report"], new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
        years = r["years"]
        facts = [
            [L["period"], f"{years[0]}–{years[-1]}（{len(years)}）" if self.zh else
             f"{years[0]}–{years[-1]} ({len(years)} years)"],
            [L["unit"], L["yuan"].format(u="万元" if c.unit == "wan" else ("元" if self.zh else "yuan"))],
            [L["last_year"], self.last_year_text()],
            [L["report_date"], self.report_date],
            [L["engine"], f"{r['engine']['name']} {r['engine']['version']}"],
            [L["contract_hash"], r["contract_sha256"]],
            [L["result_hash"], r.get("result_sha256", "")],
        ]
        self.table(facts, [45, 135], ["LEFT", "LEFT"], size=8.5, head=False)
        self.h2(L["parties"])
        rows = [[L["name"], L["role"], L["term_total"].format(a=years[0], b=years[-1]),
                 L["cover_npv"]]]
        for pid, p in r["parties"].items():
            role = ROLE_ZH.get(p["role"], p["role"]) if self.zh else p["role"]
            rows.append([f"{self.party_name(pid)} ({pid})", role, _grouped(p["net_total"]),
                         f"{_grouped(p['npv'])} ({_ratio_text(p['discount_rate'])})"])
        total = sum(_fen(p["net_total"]) for p in r["parties"].values())
        rows.append([L["all_parties"], "", _yuan(total), ""])
        self.table(rows, [70, 18, 44, 48], ["LEFT", "LEFT", "RIGHT", "RIGHT"], size=8)
        self.para(L["cover_note"], 7.5)

    def last_year_text(self) -> str:
        """The last year L the clauses apply, said in words (semantics §9, exit): the exit
        year, with the year the trigger fired, or — when no exit was triggered (the clauses run
        to the contract's last year)."""
        r = self.r
        if r.get("last_year") is None:
            return self.L["no_exit"].format(y=r["years"][-1])
        fired = [e["year"] for e in r.get("events", []) if e.get("kind") == "exit_triggered"]
        if not fired:
            return str(r["last_year"])
        return self.L["exit_year"].format(y=r["last_year"], t=fired[0])

    def terms(self) -> None:
        from sharing.audit.terms import CLAUSE_KIND, describe

        self.pdf.ln(3)  # on from the cover: page 1 is not left mostly empty
        self.h1(self.L["terms"])
        totals = [cl.id for cl in self.c.clauses
                  if cl.kind == "tax_split" and getattr(cl, "basis", None) == "total"]
        for sec in describe(self.c, self.lang):
            heading = sec.heading
            for cid in totals:  # a split of the whole amount is not an incremental split
                if f"{cid}（" in heading or f"{cid} (" in heading:
                    heading = heading.replace(CLAUSE_KIND[self.lang]["tax_split"],
                                              self.L["basis_total"])
            self.h2(heading)
            for p in sec.paragraphs:
                self.para(p, 8.5)

    def summary(self) -> None:
        L, r = self.L, self.r
        self.pdf.add_page()
        self.h1(L["summary"])
        pids = self.party_ids
        rows = [[L["metric"]] + pids]
        rows.append([L["net_total"]] + [_grouped(r["parties"][p]["net_total"]) for p in pids])
        rows.append([L["npv"]] + [_grouped(r["parties"][p]["npv"]) for p in pids])
        rows.append([L["rate"]] + [_ratio_text(r["parties"][p]["discount_rate"]) for p in pids])
        rows.append([L["irr"]] + [(f"{float(r['parties'][p]['irr']) * 100:.4f}%"
                                   if r["parties"][p]["irr"] is not None else "—") for p in pids])
        kinds: list[str] = []
        for p in pids:
            for k in r["parties"][p]["totals_by_kind"]:
                if k not in kinds:
                    kinds.append(k)
        for k in kinds:
            label = f"{KIND_ZH.get(k, k)} {k}" if self.zh else k
            rows.append([label] + [_grouped(r["parties"][p]["totals_by_kind"].get(k, "0.00"))
                                   for p in pids])
        first = 40.0
        w = min(35.0, (180 - first) / max(len(pids), 1))
        size = 8 if len(pids) <= 4 else 6.5
        self.table(rows, [first] + [w] * len(pids), ["LEFT"] + ["RIGHT"] * len(pids), size=size)
        self.para(" · ".join(f"{p}: {self.party_name(p)}" for p in pids), 7.5)

    def year_table(self) -> None:
        L, r = self.L, self.r
        self.h1(L["years"])
        pids = self.party_ids
        rows = [[L["year"]] + pids]
        for i, y in enumerate(r["years"]):
            rows.append([str(y)] + [_grouped(r["parties"][p]["net_by_year"][i]) for p in pids])
        rows.append([L["total"]] + [_grouped(r["parties"][p]["net_total"]) for p in pids])
        w = min(38.0, (180 - 18) / max(len(pids), 1))
        size = 8 if len(pids) <= 4 else 6.5
        self.table(rows, [18] + [w] * len(pids), ["LEFT"] + ["RIGHT"] * len(pids), size=size)

    def chart(self) -> None:
        pdf, L, r = self.pdf, self.L, self.r
        pdf.add_page()
        self.h1(L["chart"])
        pids = self.party_ids
        years = r["years"]
        n = len(years)
        flows = {p: [_fen(v) for v in r["parties"][p]["net_by_year"]] for p in pids}
        cum = {p: [sum(flows[p][: i + 1]) for i in range(n)] for p in pids}
        values = [v for p in pids for v in flows[p] + cum[p]] + [0]
        lo, hi = min(values), max(values)
        if hi == lo:
            hi = lo + 100
        scale_wan = max(abs(lo), abs(hi)) >= 10_000_000  # ≥ 100,000 yuan: show 万元
        unit = 1_000_000 if scale_wan else 100
        step = _nice_step((hi - lo) / unit / 6)
        lo_t = _floor_to(lo / unit, step)
        hi_t = -_floor_to(-hi / unit, step)
        x0, y0, w, h = 32.0, pdf.get_y() + 4, 160.0, 110.0

        def ypos(fen: float) -> float:
            return y0 + h - (fen / unit - lo_t) / (hi_t - lo_t) * h

        pdf.set_draw_color(200, 200, 200)
        pdf.set_font("body", "", 7)
        t = lo_t
        while t <= hi_t + step / 2:
            yy = ypos(t * unit)
            pdf.line(x0, yy, x0 + w, yy)
            pdf.set_xy(x0 - 30, yy - 2)
            pdf.cell(28, 4, f"{t:,.0f}" if step >= 1 else f"{t:,.2f}", align="R")
            t += step
        pdf.set_draw_color(0, 0, 0)
        pdf.line(x0, ypos(0), x0 + w, ypos(0))
        slot = w / n
        bw = slot * 0.8 / max(len(pids), 1)
        for j, p in enumerate(pids):
            color = PALETTE[j % len(PALETTE)]
            pdf.set_fill_color(*color)
            for i, v in enumerate(flows[p]):
                if v == 0:
                    continue
                bx = x0 + i * slot + slot * 0.1 + j * bw
                top, bottom = ypos(max(v, 0)), ypos(min(v, 0))
                pdf.rect(bx, top, bw, max(bottom - top, 0.2), style="F")
        for j, p in enumerate(pids):
            color = PALETTE[j % len(PALETTE)]
            pdf.set_draw_color(*color)
            pdf.set_line_width(0.5)
            pts = [(x0 + (i + 0.5) * slot, ypos(cum[p][i])) for i in range(n)]
            for a, b in zip(pts, pts[1:], strict=False):
                pdf.line(a[0], a[1], b[0], b[1])
            for px, py in pts:
                pdf.ellipse(px - 0.6, py - 0.6, 1.2, 1.2, style="F")
        pdf.set_line_width(0.2)
        pdf.set_draw_color(0, 0, 0)
        pdf.set_fill_color(255, 255, 255)
        pdf.set_font("body", "", 6.5)
        every = max(1, n // 15 + (1 if n % 15 else 0)) if n > 15 else 1
        for i, y in enumerate(years):
            if i % every == 0:
                pdf.set_xy(x0 + i * slot, y0 + h + 1)
                pdf.cell(slot, 3, str(y), align="C")
        pdf.set_xy(x0 - 17, y0 - 6)
        unit_label = (L["wan"] if scale_wan else ("元" if self.zh else "yuan"))
        pdf.cell(60, 4, f"({unit_label})")
        ly = y0 + h + 7
        pdf.set_font("body", "", 8)
        for j, p in enumerate(pids):
            color = PALETTE[j % len(PALETTE)]
            pdf.set_fill_color(*color)
            pdf.rect(x0, ly + j * 5 + 0.8, 4, 3, style="F")
            pdf.set_xy(x0 + 6, ly + j * 5)
            pdf.cell(150, 4.5, f"{p} — {self.party_name(p)}")
        pdf.set_fill_color(255, 255, 255)
        pdf.set_xy(15, ly + len(pids) * 5 + 2)
        self.para(f"{L['net']}; {L['cumulative']}", 8)

    def extras(self) -> None:
        L, r = self.L, self.r
        pids = self.party_ids
        years = r["years"]
        if r.get("indicators") or any(v["kind"] in ("risk_pool", "equity")
                                      for v in r.get("clauses", {}).values()):
            self.pdf.add_page()
        if r.get("indicators"):
            self.h2(L["indicators"])
            rows = [[L["year"]] + pids]
            for i, y in enumerate(years):
                rows.append([str(y)] + [_grouped(r["indicators"][p]["net_by_year"][i]) for p in pids])
            rows.append([L["total"]] + [_grouped(r["indicators"][p]["net_total"]) for p in pids])
            w = min(38.0, 162 / max(len(pids), 1))
            self.table(rows, [18] + [w] * len(pids), ["LEFT"] + ["RIGHT"] * len(pids), size=7.5)
            modes = sorted({e.get("mode") for e in r.get("indicator_entries", []) if e.get("mode")})
            if modes:
                self.para("mode: " + ", ".join(modes), 7.5)
        pools = {cid: v for cid, v in r.get("clauses", {}).items() if v["kind"] == "risk_pool"}
        if pools:
            self.h2(L["pools"])
            ids = list(pools)
            rows = [[L["year"]] + ids]
            for i, y in enumerate(years):
                rows.append([str(y)] + [_grouped(pools[c]["pool_balances"][i]) for c in ids])
            w = min(40.0, 162 / len(ids))
            self.table(rows, [18] + [w] * len(ids), ["LEFT"] + ["RIGHT"] * len(ids), size=7.5)
        for cid, v in r.get("clauses", {}).items():
            if v["kind"] != "equity":
                continue
            self.h2(f"{L['equity']}: {cid}")
            rows = [[L["year"]] + pids + [L["deficit"]]]
            for i, y in enumerate(years):
                rows.append([str(y)] + [_ratio_text(v["equity_ratios"][p][i]) for p in pids] +
                            [_grouped(v["deficits"][i]) if v["deficits"][i] is not None else "—"])
            w = min(34.0, 132 / max(len(pids), 1))
            self.table(rows, [18] + [w] * len(pids) + [30], ["LEFT"] + ["RIGHT"] * (len(pids) + 1),
                       size=7)

    def trace(self) -> None:
        L, r = self.L, self.r
        self.pdf.add_page()
        self.h1(L["trace"])
        by_clause: dict[str | None, list[dict[str, Any]]] = defaultdict(list)
        for e in r["entries"]:
            by_clause[e["clause"]].append(e)
        for e in r.get("indicator_entries", []):  # indicator ledger: not money
            by_clause[e["clause"]].append(dict(e, kind=f"{e['kind']} ({e.get('mode') or 'split'})"))
        order: list[str | None] = [cl.id for cl in self.c.clauses]
        order += [k for k in by_clause if k not in order and k is not None]
        if None in by_clause:
            order.append(None)
        kinds = {cl.id: cl.kind for cl in self.c.clauses}
        from sharing.explain_text import Names, kind_label, render

        names = Names.of_contract(self.c)
        for cid in order:
            entries = by_clause.get(cid, [])
            if self.pdf.get_y() > self.pdf.h - 50:  # no heading alone at the foot of a page
                self.pdf.add_page()
            if cid is None:
                self.h2(L["unclaimed"])
            else:
                kind = kinds.get(cid, "")
                cl = next((x for x in self.c.clauses if x.id == cid), None)
                if kind == "tax_split" and getattr(cl, "basis", None) == "total":
                    kind = "_total"
                self.h2(f"{L['clause']} {cid}（{_kind_name(self, kind)}）" if self.zh
                        else f"{L['clause']} {cid} ({_kind_name(self, kind)})")
            if not entries:
                self.para(L["no_entries"], 8)
                continue
            self.para(L["ledger_count"].format(n=len(entries)), 7.5)
            rows = [[L["year"], L["stream"], L["party"], L["kind"], L["amount"], L["why"]]]
            for e in entries:
                # names, kinds and explanations in the report's language (sharing.explain_text)
                base = e["kind"].split(" ")[0]
                kind = kind_label(base, self.lang) + e["kind"][len(base):]
                rows.append([str(e["year"]), names.name("stream", e["stream"]),
                             names.name("party", e["party"]), kind, _grouped(e["amount"]),
                             render(e["explanation"], self.lang, names)
                             if e.get("explanation") else e["why"]])
            self.table(rows, [10, 18, 18, 17, 24, 93],
                       ["LEFT", "LEFT", "LEFT", "LEFT", "RIGHT", "LEFT"], size=6.5)

    def events(self) -> None:
        from sharing.explain_text import Names, event_label

        L, r = self.L, self.r
        self.h1(L["events"])
        if not r["events"]:
            self.para(L["no_events"])
            return
        rows = [[L["year"], L["clause"], L["kind"], L["detail"]]]
        names = Names.of_result(r)
        for ev in r["events"]:
            rows.append([str(ev["year"]), names.name("clause", ev["clause"]),
                         event_label(ev["kind"], self.lang), ev["detail"]])
        self.table(rows, [12, 30, 30, 108], ["LEFT"] * 4, size=7)


def _kind_name(rep: Any, kind: str) -> str:
    from sharing.audit.terms import CLAUSE_KIND

    if kind == "_total":
        return rep.L["basis_total"]
    return CLAUSE_KIND[rep.lang].get(kind, kind)


def _leaves(doc: Any, path: str) -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    if isinstance(doc, dict):
        for k, v in doc.items():
            if k in ("id", "name", "kind", "streams"):
                continue
            out += _leaves(v, f"{path}.{k}")
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            out += _leaves(v, f"{path}[{i}]")
    else:
        out.append((path, doc))
    return out


def _headings() -> Any:
    from fpdf.fonts import FontFace

    return FontFace(color=HEAD_COLOR, fill_color=(230, 234, 240))


def _nice_step(raw: float) -> float:
    if raw <= 0:
        return 1.0
    import math

    exp = math.floor(math.log10(raw))
    base = 10 ** exp
    for m in (1, 2, 2.5, 5, 10):
        if raw <= m * base:
            return m * base
    return 10 * base


def _floor_to(x: float, step: float) -> float:
    import math

    return math.floor(x / step) * step
