"""Two saved scenarios compared (issue 17 point 7): the terms that differ, totals rows, and the
comparison as XLSX, CSV and PDF.

What the page and the three downloads show is built once here (:func:`comparison`), from the
two §4 results (web.results.compare: each party's net by year, B − A) and the two contracts
(web.compare_terms). Amounts are the results' exact decimal strings in yuan, added as Decimal;
the totals rows are sums of exact amounts (the XLSX's are formulas over the year cells).

- CSV: one table, header first (``part, item, party, A, B, B − A``), every term, each
  party's total, NPV and year; the provenance (both contracts' and results' SHA-256 and the
  engine) in ``#`` lines after it, as every CSV of the project (web.exports).
- XLSX: sheets of the differing terms, the summary by party with an all-parties row, and the
  net by year per party with a totals row of =SUM formulas (web.results_xlsx.Book: identity
  lines, frozen header, A4 landscape).
- PDF: the same three tables (fpdf2 with the report's CJK font, sharing.report.find_fonts).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _

from sharing.cells import csv_row, provenance_block

from .compare_terms import TermChange, differing_terms
from .results import compare as compare_results


@dataclass
class Comparison:
    name_a: str
    name_b: str
    ra: dict[str, Any]
    rb: dict[str, Any]
    cmp: dict[str, Any]
    terms: list[TermChange]
    party_names: dict[str, str]
    totals: dict[str, Decimal]  # all parties: total_a, total_b, total_diff

    def year_totals(self, pid: str) -> dict[str, Decimal]:
        """A party's net over all years: A, B and B − A (exact sums of the year rows)."""
        rows = self.cmp["rows"][pid]
        a = sum((r["a"] for r in rows if r["a"] is not None), Decimal(0))
        b = sum((r["b"] for r in rows if r["b"] is not None), Decimal(0))
        return {"a": a, "b": b, "diff": b - a}


def comparison(name_a: str, doc_a: dict[str, Any], ra: dict[str, Any],
               name_b: str, doc_b: dict[str, Any], rb: dict[str, Any]) -> Comparison:
    from .i18n import explain_lang, local_name

    cmp = compare_results(ra, rb)
    lang = explain_lang()
    terms = differing_terms(doc_a, doc_b, lang, local_name,
                            {True: _("yes"), False: _("no")})
    names = {}
    for pid in cmp["parties"]:
        p = ra["parties"].get(pid) or rb["parties"][pid]
        names[pid] = local_name(p.get("name")) or pid
    summary = cmp["summary"]
    totals = {
        "total_a": sum((s["total_a"] or Decimal(0) for s in summary), Decimal(0)),
        "total_b": sum((s["total_b"] or Decimal(0) for s in summary), Decimal(0)),
    }
    totals["total_diff"] = totals["total_b"] - totals["total_a"]
    return Comparison(name_a, name_b, ra, rb, cmp, terms, names, totals)


def identity_lines(c: Comparison) -> list[str]:
    eng = c.ra["engine"]
    return [
        _("Comparison: A “%(a)s”, B “%(b)s”", a=c.name_a, b=c.name_b),
        _("engine %(name)s %(version)s", name=eng["name"], version=eng["version"]),
        "A · " + _("contract SHA-256 %(sha)s", sha=c.ra["contract_sha256"]),
        "B · " + _("contract SHA-256 %(sha)s", sha=c.rb["contract_sha256"]),
        "A · " + _("result SHA-256 %(sha)s", sha=c.ra["result_sha256"]),
        "B · " + _("result SHA-256 %(sha)s", sha=c.rb["result_sha256"]),
    ]


def _text(v: str | None) -> str:
    return v if v is not None else "—"


def rows(c: Comparison) -> list[list[Any]]:
    """The comparison as one table: a header, then terms, totals, NPVs and years."""
    out: list[list[Any]] = [[_("Part"), _("Item"), _("Party"), "A", "B", "B − A"]]
    for t in c.terms:
        out.append([_("Differing term"), t.label, "", _text(t.a), _text(t.b), ""])
    for s in c.cmp["summary"]:
        out.append([_("Net total"), _("all years"), c.party_names[s["party"]], s["total_a"],
                    s["total_b"], s["total_diff"]])
    out.append([_("Net total"), _("all years"), _("All parties"), c.totals["total_a"],
                c.totals["total_b"], c.totals["total_diff"]])
    for s in c.cmp["summary"]:
        out.append([_("NPV"), "", c.party_names[s["party"]], s["npv_a"], s["npv_b"],
                    s["npv_diff"]])
    for pid in c.cmp["parties"]:
        for r in c.cmp["rows"][pid]:
            out.append([_("Net cash flow by year"), r["year"], c.party_names[pid], r["a"],
                        r["b"], r["diff"]])
    return out


def to_csv(c: Comparison) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    for r in rows(c):
        w.writerow(csv_row(["" if v is None else v for v in r]))
    buf.write(provenance_block(identity_lines(c)))
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def _num(v: Decimal | None) -> float | None:
    return None if v is None else float(v)  # a spreadsheet's number; the CSV keeps the text


def to_xlsx(c: Comparison) -> bytes:
    from .results_xlsx import Book, _col

    head = {"name": identity_lines(c)[0], "contract_sha256":
            f"A {c.ra['contract_sha256']} · B {c.rb['contract_sha256']}",
            "result_sha256": f"A {c.ra['result_sha256']} · B {c.rb['result_sha256']}",
            "engine": c.ra["engine"]}
    book = Book(head, identity_lines(c))
    ws = book.sheet(_("Differing terms"), [_("Term"), "A", "B"], {1: 60, 2: 24, 3: 24})
    r = book.hr + 1
    from sharing.cells import put

    for t in c.terms:
        put(ws, r, 1, t.label)
        put(ws, r, 2, _text(t.a))
        put(ws, r, 3, _text(t.b))
        r += 1
    if not c.terms:
        put(ws, r, 1, _("The two contracts have the same terms."))
    ws = book.sheet(_("Summary by party"), [_("Party"), _("Net total") + " A",
                                            _("Net total") + " B", _("Difference"),
                                            _("NPV") + " A", _("NPV") + " B",
                                            _("NPV difference")], {1: 30})
    first = r = book.hr + 1
    for s in c.cmp["summary"]:
        put(ws, r, 1, c.party_names[s["party"]])
        book.money(ws, r, 2, _num(s["total_a"]))
        book.money(ws, r, 3, _num(s["total_b"]))
        book.formula(ws, r, 4, f"=C{r}-B{r}")
        book.money(ws, r, 5, _num(s["npv_a"]))
        book.money(ws, r, 6, _num(s["npv_b"]))
        book.formula(ws, r, 7, f"=F{r}-E{r}")
        r += 1
    put(ws, r, 1, _("All parties"))
    for col in (2, 3, 4):
        book.formula(ws, r, col, f"=SUM({_col(col)}{first}:{_col(col)}{r - 1})")
    parties = c.cmp["parties"]
    header = [_("Year")]
    for pid in parties:
        header += [f"{c.party_names[pid]} A", f"{c.party_names[pid]} B",
                   f"{c.party_names[pid]} B − A"]
    ws = book.sheet(_("Net cash flow by year"), header)
    first = r = book.hr + 1
    for i, y in enumerate(c.cmp["years"]):
        put(ws, r, 1, y)
        for j, pid in enumerate(parties):
            row = c.cmp["rows"][pid][i]
            col = 2 + 3 * j
            book.money(ws, r, col, _num(row["a"]) if row["a"] is not None else "—")
            book.money(ws, r, col + 1, _num(row["b"]) if row["b"] is not None else "—")
            book.formula(ws, r, col + 2, f"=N({_col(col + 1)}{r})-N({_col(col)}{r})")
        r += 1
    put(ws, r, 1, _("Total"))
    for col in range(2, 2 + 3 * len(parties)):
        book.formula(ws, r, col, f"=SUM({_col(col)}{first}:{_col(col)}{r - 1})")
    book.print_setup()
    return book.save()


def to_pdf(c: Comparison, lang: str) -> bytes:
    """The comparison on A4 landscape pages: terms, summary with totals, years."""
    from fpdf import FPDF
    from fpdf.enums import WrapMode

    from sharing.report import _headings, find_fonts

    from .i18n import money

    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_auto_page_break(True, margin=15)
    (reg, ri), _bold, fallback = find_fonts()
    kw = {"collection_font_number": ri} if reg.lower().endswith(".ttc") else {}
    pdf.add_font("body", "", reg, **kw)
    if fallback is not None:
        pdf.add_font("fallback", "", fallback)
        pdf.set_fallback_fonts(["fallback"])
    import datetime as _dt

    pdf.set_creation_date(_dt.datetime(2000, 1, 1, tzinfo=_dt.UTC))  # same bytes each time
    pdf.set_title(identity_lines(c)[0])
    pdf.add_page()
    wrap = WrapMode.CHAR if lang == "zh" else WrapMode.WORD

    def heading(text: str) -> None:
        pdf.set_font("body", "", 12)
        pdf.multi_cell(0, 7, text, new_x="LMARGIN", new_y="NEXT", wrapmode=wrap)
        pdf.set_font("body", "", 8)

    def table(data: list[list[str]], widths: list[float], align: list[str]) -> None:
        pdf.set_font("body", "", 8)
        with pdf.table(col_widths=widths, width=sum(widths), text_align=align, align="LEFT",
                       line_height=4, first_row_as_headings=True, headings_style=_headings(),
                       padding=0.8, wrapmode=wrap) as t:
            for row in data:
                tr = t.row()
                for cell in row:
                    tr.cell(cell)
        pdf.ln(3)

    pdf.set_font("body", "", 8)
    for line in identity_lines(c):
        pdf.multi_cell(0, 4, line, new_x="LMARGIN", new_y="NEXT", wrapmode=WrapMode.CHAR)
    pdf.ln(2)
    heading(_("Terms that differ"))
    if c.terms:
        table([[_("Term"), "A", "B"]] + [[t.label, _text(t.a), _text(t.b)] for t in c.terms],
              [150, 60, 60], ["LEFT", "RIGHT", "RIGHT"])
    else:
        pdf.multi_cell(0, 5, _("The two contracts have the same terms."), new_x="LMARGIN",
                       new_y="NEXT")
    heading(_("Summary by party") + " (" + _("yuan") + ")")
    data = [[_("Party"), _("Net total") + " A", _("Net total") + " B", _("Difference"),
             _("NPV") + " A", _("NPV") + " B", _("NPV difference")]]
    for s in c.cmp["summary"]:
        data.append([c.party_names[s["party"]]] + [money(s[k]) for k in (
            "total_a", "total_b", "total_diff", "npv_a", "npv_b", "npv_diff")])
    data.append([_("All parties")] + [money(c.totals[k]) for k in (
        "total_a", "total_b", "total_diff")] + ["", "", ""])
    table(data, [60, 35, 35, 35, 35, 35, 35], ["LEFT"] + ["RIGHT"] * 6)
    heading(_("Net cash flow by year") + " (" + _("yuan") + ")")
    for pid in c.cmp["parties"]:
        data = [[_("Year"), c.party_names[pid] + " A", c.party_names[pid] + " B", "B − A"]]
        for r in c.cmp["rows"][pid]:
            data.append([str(r["year"]), money(r["a"]), money(r["b"]), money(r["diff"])])
        tot = c.year_totals(pid)
        data.append([_("Total"), money(tot["a"]), money(tot["b"]), money(tot["diff"])])
        table(data, [30, 50, 50, 50], ["LEFT", "RIGHT", "RIGHT", "RIGHT"])
    return bytes(pdf.output())
