"""The settlement statement (结算单) as a bilingual PDF (semantics §6.4, §6.5; fpdf2).

Every label is printed in both languages, the chosen one first and the other beneath it
(table headings) or after a slash (headings): the statement is signed by two treasuries and
read by auditors of either language. Contents: the case, the year, the collector; per pair
of parties every settled figure and who pays whom; the entitlement by year and plan against
actual (by year, party, stream and enterprise); transfers paid in advance; a **sign-off
block for both parties of each pair** (name, officer in charge / signature, date, seal); the
§6.5 hashes of the contract and of each input in a final section and, shortened, in every
page's footer. The CJK font is the one :func:`sharing.report.find_fonts` finds.
"""

from __future__ import annotations

from typing import Any

from .statement_text import enterprise_name, grouped, input_labels, labels, party_name, stream_name

HEAD = (20, 60, 120)


class _Doc:
    def __init__(self, document: dict[str, Any], lang: str):
        from fpdf import FPDF
        from fpdf.enums import WrapMode

        from ..report import find_fonts

        self.d = document
        other = "en" if lang == "zh" else "zh"
        self.L1, self.L2 = labels(lang), labels(other)
        self.I1, self.I2 = input_labels(lang), input_labels(other)
        self.wrap = WrapMode.CHAR
        rep = self

        class _PDF(FPDF):
            def footer(self) -> None:  # noqa: D401 - fpdf hook
                rep._footer(self)

        pdf = _PDF(orientation="P", unit="mm", format="A4")
        pdf.set_auto_page_break(True, margin=22)
        pdf.set_margins(15, 15, 15)
        (reg, ri), _bold, fallback = find_fonts()
        kw = {"collection_font_number": ri} if reg.lower().endswith(".ttc") else {}
        pdf.add_font("body", "", reg, **kw)
        if fallback is not None:
            pdf.add_font("fallback", "", fallback)
            pdf.set_fallback_fonts(["fallback"])
        ident = document.get("identity") or {}
        pdf.set_title(str(document.get("case") or "statement"))
        pdf.set_subject(" ".join(f"{k}_sha256={v}" for k, v in ident.items()))
        import datetime as _dt

        pdf.set_creation_date(_dt.datetime(2000, 1, 1, tzinfo=_dt.UTC))  # byte-stable
        self.pdf = pdf

    # ---- labels in both languages -----------------------------------------------------------
    def both(self, key: str, sep: str = " / ", **fmt: Any) -> str:
        a, b = self.L1[key].format(**fmt), self.L2[key].format(**fmt)
        return a if a == b else f"{a}{sep}{b}"

    def _footer(self, pdf: Any) -> None:
        pdf.set_y(-18)
        pdf.set_font("body", "", 6)
        pdf.set_text_color(90, 90, 90)
        for key, value in (self.d.get("identity") or {}).items():
            pdf.cell(0, 2.8, f"{self.I1.get(key, key)} / {self.I2.get(key, key)} SHA-256 "
                     f"{value}", new_x="LMARGIN", new_y="NEXT")
        pages = self.L1["page"].replace("{n}", str(pdf.page_no())).replace(
            "{nb}", pdf.str_alias_nb_pages)
        pdf.cell(0, 2.8, pages, new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(0, 0, 0)

    # ---- building blocks --------------------------------------------------------------------
    def h1(self, text: str) -> None:
        pdf = self.pdf
        pdf.ln(2)
        pdf.set_font("body", "", 12)
        pdf.set_text_color(*HEAD)
        pdf.multi_cell(0, 6.5, text, new_x="LMARGIN", new_y="NEXT", wrapmode=self.wrap)
        pdf.set_text_color(0, 0, 0)
        pdf.set_draw_color(*HEAD)
        pdf.line(15, pdf.get_y(), 195, pdf.get_y())
        pdf.set_draw_color(0, 0, 0)
        pdf.ln(1.5)

    def para(self, text: str, size: float = 8.5) -> None:
        self.pdf.set_font("body", "", size)
        self.pdf.multi_cell(0, size * 0.5, text, new_x="LMARGIN", new_y="NEXT",
                            wrapmode=self.wrap)
        self.pdf.ln(0.8)

    def table(self, head: list[str], rows: list[list[str]], widths: list[float],
              align: list[str] | None = None, size: float = 7.5) -> None:
        from fpdf.fonts import FontFace

        pdf = self.pdf
        pdf.set_font("body", "", size)
        align = align or ["LEFT"] + ["RIGHT"] * (len(head) - 1)
        with pdf.table(col_widths=widths, width=sum(widths), text_align=align, align="LEFT",
                       line_height=size * 0.48, padding=0.8, wrapmode=self.wrap,
                       headings_style=FontFace(fill_color=(225, 232, 245))) as t:
            tr = t.row()
            for text in head:
                tr.cell(text)
            for row in rows:
                tr = t.row()
                for text in row:
                    tr.cell(text)
        pdf.ln(2)

    def head2(self, key: str) -> str:
        """A table heading: the chosen language, the other beneath."""
        a, b = self.L1[key], self.L2[key]
        return a if a == b else f"{a}\n{b}"

    # ---- sections ---------------------------------------------------------------------------
    def build(self) -> bytes:
        pdf, d = self.pdf, self.d
        st = d["settlement"]
        pdf.alias_nb_pages()
        pdf.add_page()
        pdf.set_font("body", "", 15)
        pdf.multi_cell(0, 8, self.both("statement", year=st["year"]), new_x="LMARGIN",
                       new_y="NEXT", wrapmode=self.wrap)
        self.para(str(d.get("case") or ""), 10)
        self.para(self.both("collector", name=party_name(d, st["collector"])), 9)
        self.para(self.both("sign_note", sep="\n"), 7.5)
        self.pairs()
        self.by_year()
        self.plan_against_actual()
        self.advances()
        self.signoff()
        self.hashes()
        return bytes(pdf.output())

    def pairs(self) -> None:
        d = self.d
        self.h1(self.both("pairs_title"))
        keys = ["entitlement", "cumulative_entitlement", "cumulative_transfers", "balance_due",
                "adjustment", "advance_payments", "plan_cumulative", "amount_due"]
        for p in d["settlement"]["pairs"]:
            a, b = party_name(d, p["a"]), party_name(d, p["b"])
            self.para(f"{a} → {b}", 9.5)
            rows = []
            for k in keys:
                value = p["plan"]["cumulative_entitlement"] if k == "plan_cumulative" else p[k]
                rows.append([self.head2(k).replace("\n", " / "), grouped(value)])
            self.table([self.head2("what"), self.head2("amount")], rows, [120, 50])
            if p["payer"] is None:
                self.para(self.both("nothing", sep="\n"), 9)
            else:
                fmt = {"payer": party_name(d, p["payer"]), "payee": party_name(d, p["payee"]),
                       "amount": grouped(p["amount_due"])}
                self.para(self.both("pays", sep="\n", **fmt), 9.5)

    def by_year(self) -> None:
        d = self.d
        pairs = d["settlement"]["pairs"]
        if not pairs:
            return
        self.h1(self.both("years_title"))
        n = len(pairs[0]["entitlement_by_year"])
        for p in pairs:
            self.para(f"{party_name(d, p['a'])} → {party_name(d, p['b'])}", 9)
            rows = [[str(d["years"][i]), grouped(p["plan"]["entitlement_by_year"][i]),
                     grouped(p["entitlement_by_year"][i])] for i in range(n)]
            self.table([self.head2("year"), self.head2("plan"), self.head2("actual")], rows,
                       [30, 50, 50])

    def plan_against_actual(self) -> None:
        d = self.d
        pa = d.get("plan_against_actual") or {}
        self.h1(self.both("plan_title"))
        head = [self.head2("name"), self.head2("year"), self.head2("plan"), self.head2("actual"),
                self.head2("difference")]
        widths = [62, 18, 34, 34, 32]

        def rows(name: str, series: dict[str, list[str]]) -> list[list[str]]:
            from decimal import Decimal

            return [[name, str(d["years"][i]), grouped(pl), grouped(ac),
                     grouped(str(Decimal(ac) - Decimal(pl)))]
                    for i, (pl, ac) in enumerate(zip(series["plan"], series["actual"],
                                                     strict=True))]

        sections = [("position", [(party_name(d, pid), s)
                                  for pid, s in (pa.get("parties") or {}).items()]),
                    ("shareable", [(stream_name(d, sid), s)
                                   for sid, s in (pa.get("streams") or {}).items()]),
                    ("enterprise", [(f"{enterprise_name(d, code)} · {party_name(d, pid)}", s)
                                    for code, by in (pa.get("enterprises") or {}).items()
                                    for pid, s in by.items()])]
        for key, items in sections:
            if not items:
                continue
            self.para(self.both(key), 9)
            self.table(head, [r for name, s in items for r in rows(name, s)], widths)

    def advances(self) -> None:
        d = self.d
        adv = d["settlement"]["advance_payments"]
        if not adv:
            return
        self.h1(self.both("advance_title"))
        self.table([self.head2(k) for k in ("date", "from", "to", "amount", "settles_year",
                                            "reference")],
                   [[str(a["date"]), party_name(d, a["from"]), party_name(d, a["to"]),
                     grouped(a["amount"]), str(a["year"]), a.get("reference") or ""]
                    for a in adv], [24, 36, 36, 32, 18, 34],
                   ["LEFT", "LEFT", "LEFT", "RIGHT", "LEFT", "LEFT"])

    def signoff(self) -> None:
        """For each pair, one block per party: its name printed, then lines to fill in."""
        pdf, d = self.pdf, self.d
        if pdf.get_y() > pdf.h - 110:
            pdf.add_page()
        self.h1(self.both("signoff"))
        self.para(self.both("signoff_note", sep="\n"), 7.5)
        parties: list[str] = []
        for p in d["settlement"]["pairs"]:
            for pid in (p["a"], p["b"]):
                if pid not in parties:
                    parties.append(pid)
        for p in d["settlement"]["pairs"]:
            if pdf.get_y() > pdf.h - 75:
                pdf.add_page()
            self.para(f"{party_name(d, p['a'])} → {party_name(d, p['b'])}", 9)
            top = pdf.get_y()
            for col, pid in enumerate((p["a"], p["b"])):
                x = 15 + col * 92
                pdf.set_xy(x, top)
                pdf.set_font("body", "", 8.5)
                pdf.multi_cell(86, 4.5, f"{self.both('sign_party')}:\n{party_name(d, pid)}",
                               new_x="LEFT", new_y="NEXT", wrapmode=self.wrap)
                for key in ("sign_officer", "sign_date", "sign_seal"):
                    pdf.set_x(x)
                    pdf.multi_cell(86, 4.2, f"{self.both(key)}:", new_x="LEFT", new_y="NEXT",
                                   wrapmode=self.wrap)
                    y = pdf.get_y() + 7 if key != "sign_seal" else pdf.get_y() + 18
                    pdf.line(x, y, x + 84, y)
                    pdf.set_xy(x, y + 1.5)
                pdf.rect(x - 2, top - 1, 88, pdf.get_y() - top + 1)
            pdf.set_xy(15, pdf.get_y() + 3)

    def hashes(self) -> None:
        d = self.d
        if self.pdf.get_y() > self.pdf.h - 60:
            self.pdf.add_page()
        self.h1(self.both("hashes_title"))
        rows = [[f"{self.I1.get(k, k)} / {self.I2.get(k, k)}", v]
                for k, v in (d.get("identity") or {}).items()]
        engine = d.get("engine")
        if engine:
            rows.append([self.both("engine"), f"{engine['name']} {engine['version']}"])
        self.table([self.head2("input"), self.head2("hash")], rows, [50, 130],
                   ["LEFT", "LEFT"], size=7.5)


def statement_pdf(document: dict[str, Any], lang: str = "zh") -> bytes:
    """The statement ``document`` (what ``pipeline.statement`` returns) as bilingual PDF
    bytes; ``lang`` decides which language comes first. Raises
    :class:`sharing.report.FontMissing` when no CJK font is found."""
    if lang not in ("zh", "en"):
        raise ValueError(f"lang must be 'zh' or 'en', not {lang!r}")
    return _Doc(document, lang).build()
