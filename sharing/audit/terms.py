"""A contract's terms in words, in Chinese or English, generated from the contract itself.

The report (``sharing.report``) prints these paragraphs under "合同条款 / The terms"; the
auditor reads them against the signed agreement. Every sentence is built from the fields of
the contract, never typed by hand, so the words cannot drift from what the engine computes.
Amounts are shown in yuan whatever the file's unit (a 万元 file says so once).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from schemas.contract import (
    BookPrice,
    Buffer,
    Contract,
    CostShare,
    CumulativeReached,
    Equity,
    Exit,
    FixedPrice,
    FloorOfContributions,
    FromEquity,
    IncrementBelow,
    IndicatorSplit,
    InYear,
    MaxOfPrice,
    NpvPrice,
    RiskPool,
    TaxSplit,
)

ROLE = {"zh": {"sending": "飞出地／迁出地", "receiving": "飞入地／迁入地（默认归属方）",
               "other": "其他方"},
        "en": {"sending": "sending", "receiving": "receiving (default owner)",
               "other": "other"}}
STREAM_KIND = {"zh": {"tax": "税收", "fee": "规费", "land": "土地收益", "profit": "公司利润",
                      "cost": "成本", "indicator": "统计指标（非货币）"},
               "en": {"tax": "tax", "fee": "fee", "land": "land income", "profit": "company profit",
                      "cost": "cost", "indicator": "indicator (not money)"}}
CLAUSE_KIND = {"zh": {"tax_split": "增量收益分成", "buffer": "迁移缓冲期", "equity": "合资开发公司股权",
                      "cost_share": "成本分担", "risk_pool": "风险补偿资金池",
                      "indicator_split": "GDP等指标分解", "exit": "期限、退出与结算"},
               "en": {"tax_split": "revenue split", "buffer": "buffer years after relocation",
                      "equity": "joint development company", "cost_share": "cost sharing",
                      "risk_pool": "risk pool", "indicator_split": "indicator split",
                      "exit": "term, exit and settlement"}}
CONTRIB_KIND = {"zh": {"cash": "现金", "land": "土地", "project": "项目", "tax_stock": "存量税收",
                       "intangible": "技术／管理／品牌（按市场价值）"},
                "en": {"cash": "cash", "land": "land", "project": "projects",
                       "tax_stock": "existing tax stock",
                       "intangible": "technology, management or brand (market value)"}}


_CJK = re.compile(r"[\u3000-\u30ff\u3400-\u9fff\uff00-\uffef]")


def split_bilingual(text: str) -> tuple[str, str]:
    """"北京（迁出地）/ Beijing (sending)" -> ("北京（迁出地）", "Beijing (sending)").

    The split is at the first "/" with Chinese before it and a Latin letter right after it
    (spaces aside); a text without one is returned twice.
    """
    for i, ch in enumerate(text):
        rest = text[i + 1:].lstrip()
        if ch == "/" and _CJK.search(text[:i]) and rest[:1].isascii() and rest[:1].isalpha():
            left, right = text[:i].strip(), text[i + 1:].strip()
            if left and right:
                return left, right
    return text, text


@dataclass(frozen=True)
class Section:
    heading: str
    paragraphs: list[str]


def fmt_yuan_fen(fen: int | Fraction) -> str:
    """Fen as grouped yuan with two decimals, rounded half up: 123456 -> "1,234.56"."""
    d = (Decimal(Fraction(fen).numerator) / Decimal(Fraction(fen).denominator) / 100)
    d = d.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"{d:,.2f}"


def fmt_share(s: Fraction) -> str:
    pct = s * 100
    if pct.denominator in (1, 2, 4, 5, 10, 20, 25, 50, 100):
        d = Decimal(pct.numerator) / Decimal(pct.denominator)
        return f"{d.normalize():f}%"
    return f"{s.numerator}/{s.denominator} (≈{float(pct):.2f}%)"


def fmt_rate(r: Fraction) -> str:
    return fmt_share(r)


class Words:
    def __init__(self, contract: Contract, lang: str = "zh"):
        self.c = contract
        self.zh = lang == "zh"
        self.lang = "zh" if self.zh else "en"
        self.names = {p.id: split_bilingual(p.name)[0 if self.zh else 1] if p.name else p.id
                      for p in contract.parties}

    # ---- small pieces ----------------------------------------------------------------------
    def pick(self, text: str) -> str:
        """The Chinese or the English half of a bilingual "中文 / English" text."""
        return split_bilingual(text)[0 if self.zh else 1]

    def party(self, pid: str | None) -> str:
        if pid is None:
            return "—"
        name = self.names.get(pid) or pid
        return f"{name}（{pid}）" if self.zh else f"{name} ({pid})"

    def money(self, v: Fraction | int | None) -> str:
        if v is None:
            return "—"
        fen = Fraction(v) * self.c.unit_fen
        return f"{fmt_yuan_fen(fen)} 元" if self.zh else f"{fmt_yuan_fen(fen)} yuan"

    def years(self, r: tuple[int, int], life: bool = False) -> str:
        a, b = r
        ca, cb = self.c.calendar(a), self.c.calendar(b)
        if life:
            if self.zh:
                return f"迁入后第{a}年" if a == b else f"迁入后第{a}–{b}年"
            return f"life year {a}" if a == b else f"life years {a}–{b}"
        if self.zh:
            return (f"第{a}年（{ca}年）" if a == b else f"第{a}–{b}年（{ca}–{cb}年）")
        return f"year {a} ({ca})" if a == b else f"years {a}–{b} ({ca}–{cb})"

    def shares(self, shares: Any) -> str:
        if isinstance(shares, FromEquity):
            return (f"按股权条款 {shares.from_equity} 当年的股权比例" if self.zh else
                    f"by the equity ratios of {shares.from_equity} in that year")
        sep = "，" if self.zh else ", "
        return sep.join(f"{self.party(p)} {fmt_share(s)}" for p, s in shares.items())

    def stream_list(self, ids: list[str]) -> str:
        sep = "、" if self.zh else ", "
        return sep.join(ids)

    def schedule(self, schedule: list[Any], life: bool = False) -> list[str]:
        return [f"{self.years(seg.years, life)}：{self.shares(seg.shares)}" if self.zh else
                f"{self.years(seg.years, life)}: {self.shares(seg.shares)}" for seg in schedule]

    # ---- sections -------------------------------------------------------------------------
    def sections(self) -> list[Section]:
        c = self.c
        end = c.calendar(c.years)
        out: list[Section] = []
        if self.zh:
            head = [f"本合同共 {c.years} 年：合同第1年为 {c.start_year} 年，最后一年为 {end} 年。"
                    f"每笔金额属于一个合同年度，于年末收付。金额精确到分，按四舍五入取整一次。",
                    f"文件金额单位：{'万元（×10,000）' if c.unit == 'wan' else '元'}；本报告一律以元表示。"
                    f"默认贴现率 {fmt_rate(c.discount_rate)}。"]
        else:
            head = [f"The contract runs {c.years} years: contract year 1 is {c.start_year}, the "
                    f"last is {end}. Every amount belongs to one contract year and is paid at its "
                    f"end. Money is exact to the fen, each derived amount rounded half up once.",
                    f"The file's unit is {'万元 (×10,000)' if c.unit == 'wan' else 'yuan'}; this "
                    f"report shows yuan throughout. Default discount rate "
                    f"{fmt_rate(c.discount_rate)}."]
        if c.description:
            head.append(c.description.strip())
        out.append(Section("合同概况" if self.zh else "Overview", head))
        out.append(Section("参与方" if self.zh else "Parties", [self.party_line(p) for p in c.parties]))
        out.append(Section("收入与指标来源" if self.zh else "Streams",
                           [self.stream_line(s) for s in c.streams]))
        for i, cl in enumerate(c.clauses):
            title = (f"条款 {i + 1}：{cl.id}（{CLAUSE_KIND[self.lang][cl.kind]}）" if self.zh else
                     f"Clause {i + 1}: {cl.id} ({CLAUSE_KIND[self.lang][cl.kind]})")
            if cl.name:
                title += f" — {self.pick(cl.name)}"
            out.append(Section(title, self.clause_lines(cl)))
        out.append(Section("未约定部分" if self.zh else "Anything not assigned",
                           [f"任何条款未认领的金额，全部归飞入地 {self.party(c.receiving)}（记为 unclaimed）。" if self.zh
                            else f"Whatever no clause claims goes whole to the receiving party "
                                 f"{self.party(c.receiving)} (entries of kind unclaimed)."]))
        return out

    def party_line(self, p: Any) -> str:
        rate = p.discount_rate if p.discount_rate is not None else self.c.discount_rate
        if self.zh:
            return f"{self.party(p.id)}：{ROLE['zh'][p.role]}，贴现率 {fmt_rate(rate)}。"
        return f"{self.party(p.id)}: {ROLE['en'][p.role]}, discount rate {fmt_rate(rate)}."

    def stream_line(self, s: Any) -> str:
        zh = self.zh
        bits = []
        label = f"{self.pick(s.name)} [{s.id}]" if s.name else s.id
        kind = STREAM_KIND[self.lang][s.kind]
        if s.series is not None:
            vals = [self.money(v) for v in s.series[:4]]
            more = "…" if len(s.series) > 4 else ""
            bits.append(("逐年给定：" if zh else "given year by year: ") + ", ".join(vals) + more)
        else:
            g = fmt_rate(s.growth)
            bits.append(f"首年 {self.money(s.first)}，年增长 {g}" if zh else
                        f"first year {self.money(s.first)}, growing {g} a year")
            if s.ramp:
                r = ", ".join(fmt_share(x) for x in s.ramp)
                bits.append(f"投产爬坡 {r}" if zh else f"ramp-up {r}")
        if s.local_retention is not None:
            bits.append(f"地方留成比例 {fmt_share(s.local_retention)}（可分享部分）" if zh else
                        f"local retention {fmt_share(s.local_retention)} (the shareable part)")
        if s.relocated_year is not None:
            bits.append(f"{s.relocated_year} 年迁入，此前为零，增长自迁入之年起算" if zh else
                        f"relocated in {s.relocated_year}: nothing before, growth counts from then")
        if s.pre_relocation_tax:
            vals = "、".join(self.money(v) for v in s.pre_relocation_tax) if zh else \
                ", ".join(self.money(v) for v in s.pre_relocation_tax)
            total = sum(s.pre_relocation_tax, Fraction(0))
            bits.append(f"迁移前缴纳 {vals}，合计 {self.money(total)}" if zh else
                        f"paid before the move {vals}, in all {self.money(total)}")
        sep = "；" if zh else "; "
        return f"{label}（{kind}）：" + sep.join(bits) + "。" if zh else \
            f"{label} ({kind}): " + sep.join(bits) + "."

    def cap_text(self, cap: Any, per_stream: bool) -> str:
        zh = self.zh
        parts = []
        if cap.cumulative is not None:
            if cap.cumulative == "pre_relocation_total":
                parts.append("累计上限为迁移前三税之和" + ("（逐个税源计算）" if per_stream else "")
                             if zh else "a cumulative cap equal to the taxes paid before the move"
                             + (" (stream by stream)" if per_stream else ""))
            else:
                parts.append(f"累计上限 {self.money(cap.cumulative)}" if zh else
                             f"a cumulative cap of {self.money(cap.cumulative)}")
        if cap.per_year is not None:
            parts.append(f"每年上限 {self.money(cap.per_year)}" if zh else
                         f"a per-year cap of {self.money(cap.per_year)}")
        if zh:
            return (f"{self.party(cap.party)} 的分成受{'和'.join(parts)}限制；超出部分按当期其他方的比例"
                    f"重新分配（cap_excess）。")
        return (f"{self.party(cap.party)}'s share is limited by {' and '.join(parts)}; the excess "
                f"goes to the other parties of the segment by their shares (cap_excess).")

    def clause_lines(self, cl: Any) -> list[str]:
        zh = self.zh
        c = self.c
        lines: list[str] = []
        if isinstance(cl, TaxSplit):
            life = cl.timing == "since_relocation"
            what = self.stream_list(cl.streams)
            if cl.basis == "increment" and cl.baseline is not None:
                bl = cl.baseline
                g = f"，每年增长 {fmt_rate(bl.growth)}" if bl.growth and zh else (
                    f", growing {fmt_rate(bl.growth)} a year" if bl.growth else "")
                owner = self.party(bl.owner or c.receiving)
                lines.append(f"对 {what} 的可分享额，先扣除基数 {self.money(bl.amount)}{g}，基数以内部分归 "
                             f"{owner}；只分超出基数的增量。" if zh else
                             f"From the shareable amount of {what}, a baseline of "
                             f"{self.money(bl.amount)}{g} is carved out first and goes to {owner}; "
                             f"only the increment above it is split.")
            elif cl.basis == "increment":
                lines.append(f"对 {what} 的可分享额（增量口径，基数为零，即全额）分成如下。" if zh else
                             f"The shareable amount of {what} (increment basis with no baseline, "
                             f"i.e. all of it) is split as follows.")
            else:
                lines.append(f"对 {what} 的可分享额全额分成如下。" if zh else
                             f"The whole shareable amount of {what} is split as follows.")
            if life:
                lines.append("年份自各税源迁入之年起算（迁入年为第1年），每个税源单独计算。" if zh else
                             "Years count from each stream's relocation year (year 1), each stream "
                             "on its own.")
            lines += self.schedule(cl.schedule, life)
            if cl.cap is not None:
                lines.append(self.cap_text(cl.cap, life))
            lines.append(("分段未覆盖的年份，本条款不认领，全额归飞入地。") if zh else
                         "In a year no segment covers, this clause claims nothing and the amount "
                         "goes to the receiving party.")
        elif isinstance(cl, Buffer):
            from schemas.claims import buffer_streams

            what = self.stream_list(buffer_streams(c, cl))
            to = self.party(cl.to or c.receiving)
            ks = [fmt_share(cl.share_in_life_year(k)) for k in range(1, cl.years + 1)]
            shape = {"step": ("逐年约定", "set year by year"),
                     "linear": ("线性递减", "tapering linearly"),
                     "flat": ("固定比例", "flat")}[cl.shape][0 if zh else 1]
            if zh:
                lines.append(f"迁入税源 {what} 自迁入之年起 {cl.years} 年为缓冲期（{shape}）："
                             f"{self.party(cl.party)} 保留 " + "、".join(
                                 f"第{k}年 {s}" for k, s in enumerate(ks, start=1)) +
                             f"，其余归 {to}。缓冲期满后本条款不再认领。")
            else:
                lines.append(f"For {cl.years} years from each relocated stream's move ({what}; "
                             f"{shape}), {self.party(cl.party)} keeps " + ", ".join(
                                 f"{s} in year {k}" for k, s in enumerate(ks, start=1)) +
                             f"; the rest goes to {to}. After the buffer this clause claims "
                             f"nothing.")
            if cl.basis == "increment" and cl.baseline is not None:
                lines.append(f"先扣除基数 {self.money(cl.baseline.amount)}。" if zh else
                             f"A baseline of {self.money(cl.baseline.amount)} is carved out first.")
            if cl.cap is not None:
                lines.append(self.cap_text(cl.cap, True))
        elif isinstance(cl, Equity):
            for ct in cl.contributions:
                val = (self.money(ct.value) if ct.value is not None else
                       (f"{ct.area_mu} 亩 × {self.money(ct.price_per_mu)}/亩" if zh else
                        f"{ct.area_mu} mu × {self.money(ct.price_per_mu)} per mu"))
                lines.append(f"{self.party(ct.party)} 于{self.years((ct.year, ct.year))}出资"
                             f"{CONTRIB_KIND['zh'][ct.kind]} {val}。" if zh else
                             f"{self.party(ct.party)} contributes {CONTRIB_KIND['en'][ct.kind]} "
                             f"worth {val} in {self.years((ct.year, ct.year))}.")
            if cl.weights:
                w = ("、" if zh else ", ").join(f"{CONTRIB_KIND[self.lang][k]} × {fmt_share(v)}"
                                                for k, v in cl.weights.items())
                lines.append(f"折股权重：{w}（未列出的为 100%）。" if zh else
                             f"Weights for the equity ratio: {w} (others 100%).")
            lines.append("股权比例 = 各方截至当年的加权出资 ÷ 全部加权出资，出资当年起计。" if zh else
                         "Equity ratio = a party's weighted contributions up to the year ÷ "
                         "everyone's; a contribution counts from its own year.")
            if cl.profit_streams:
                pr = fmt_share(cl.payout_ratio)
                lines.append(f"公司利润（{self.stream_list(cl.profit_streams)}）按股权比例分红，分红率 {pr}，"
                             f"其余留存。" if zh else
                             f"The company's profit ({self.stream_list(cl.profit_streams)}) is paid "
                             f"out at {pr} by the equity ratios; the rest is retained.")
            if cl.losses == "carry_forward":
                lines.append("亏损由公司结转，以后年度利润先弥补亏损再分红（公司法）。" if zh else
                             "Losses are carried forward: later profit first makes them good "
                             "before any dividend (Company Law).")
            else:
                ls = self.shares(cl.loss_shares) if cl.loss_shares else (
                    "当年股权比例" if zh else "the year's equity ratios")
                lines.append(f"亏损当年由各方出资弥补，比例：{ls}。" if zh else
                             f"Losses are made good by the parties in their year, by {ls}.")
        elif isinstance(cl, CostShare):
            lines.append(f"成本 {self.stream_list(cl.streams)} 按以下比例分担（负数为返还）：" if zh else
                         f"The costs {self.stream_list(cl.streams)} are borne as follows (a "
                         f"negative cost is a refund):")
            lines += self.schedule(cl.schedule)
            lines.append("未覆盖的年份由飞入地承担。" if zh else
                         "In a year no segment covers, the receiving party bears the cost.")
        elif isinstance(cl, RiskPool):
            for f in cl.funded_by:
                lines.append(f"条款 {f.clause} 可分成额的 {fmt_share(f.rate)} 先划入资金池。" if zh else
                             f"{fmt_share(f.rate)} of what clause {f.clause} splits goes into the "
                             f"pool first.")
            if cl.cap is not None:
                lines.append(f"资金池余额上限 {self.money(cl.cap)}，超出部分留在原条款分配。" if zh else
                             f"The balance never exceeds {self.money(cl.cap)}; what does not fit "
                             f"stays with its clause.")
            for g in cl.guarantees:
                if isinstance(g.floor, FloorOfContributions):
                    fl = (f"其出资额的 {fmt_share(g.floor.rate)}" if zh else
                          f"{fmt_share(g.floor.rate)} of its contributions")
                else:
                    fl = self.money(g.floor)
                yrs = self.years(g.years) if g.years else ("各年" if zh else "every year")
                lines.append(f"保底：{self.party(g.party)} {yrs} 从条款 {self.stream_list(g.counts)} "
                             f"所得不足 {fl} 的差额，由资金池补足。" if zh else
                             f"Guarantee: in {yrs}, if {self.party(g.party)} receives less than "
                             f"{fl} from {self.stream_list(g.counts)}, the pool pays the "
                             f"shortfall.")
            if cl.backstop:
                lines.append(f"资金池不足部分由 {self.party(cl.backstop)} 兜底。" if zh else
                             f"What the pool cannot pay, {self.party(cl.backstop)} pays (backstop).")
            res = self.shares(cl.residual_shares) if cl.residual_shares else self.party(c.receiving)
            lines.append(f"期末余额分配：{res}。" if zh else f"The final balance goes to: {res}.")
        elif isinstance(cl, IndicatorSplit):
            mode = ("全额双核算：每个列出的一方都按全额计入（不守恒）" if cl.mode == "full_each" else
                    "按比例分解") if zh else (
                "full_each: the whole amount is booked to every party named (not conserved)"
                if cl.mode == "full_each" else "split by the shares")
            lines.append(f"指标 {self.stream_list(cl.streams)}（{mode}）：" if zh else
                         f"Indicators {self.stream_list(cl.streams)} ({mode}):")
            lines += self.schedule(cl.schedule)
        elif isinstance(cl, Exit):
            lines += self.exit_lines(cl)
        else:  # a kind missing here would silently lose its terms (sharing.kinds)
            raise TypeError(f"no terms text for clause kind {cl.kind!r}")
        return lines

    def price_text(self, p: Any) -> str:
        zh = self.zh
        if isinstance(p, BookPrice):
            return (f"账面价（出资额按每年 {fmt_rate(p.index)} 指数化）" if zh else
                    f"book value (contributions indexed at {fmt_rate(p.index)} a year)")
        if isinstance(p, NpvPrice):
            return (f"剩余年限收益按 {fmt_rate(p.rate)} 折现的净现值" if zh else
                    f"the NPV at {fmt_rate(p.rate)} of the receipts it gives up")
        if isinstance(p, FixedPrice):
            return f"固定价 {self.money(p.amount)}" if zh else f"a fixed {self.money(p.amount)}"
        if isinstance(p, MaxOfPrice):
            inner = ("、" if zh else ", ").join(self.price_text(x) for x in p.of)
            return f"以下较高者：{inner}" if zh else f"the highest of: {inner}"
        return str(p)

    def exit_lines(self, cl: Exit) -> list[str]:
        zh = self.zh
        c = self.c
        T = cl.term_years or c.years
        succ = self.party(cl.successor or c.receiving)
        lines = [f"期限 {T} 年（至 {c.calendar(T)} 年）。期满或退出后，全部收入整体移交 {succ}。" if zh else
                 f"Term {T} years (to {c.calendar(T)}). After the term or an exit, every stream "
                 f"goes whole to {succ}."]
        for i, tr in enumerate(cl.triggers, start=1):
            if isinstance(tr, IncrementBelow):
                t = (f"条款 {tr.clause} 的增量连续 {tr.consecutive_years} 年低于 {self.money(tr.threshold)}"
                     if zh else f"clause {tr.clause}'s increment stays below "
                     f"{self.money(tr.threshold)} for {tr.consecutive_years} consecutive years")
            elif isinstance(tr, CumulativeReached):
                t = (f"{self.party(tr.party)} 从条款 {tr.clause} 累计所得达到 {self.money(tr.amount)}"
                     if zh else f"{self.party(tr.party)}'s receipts from {tr.clause} add up to "
                     f"{self.money(tr.amount)}")
            elif isinstance(tr, InYear):
                t = (f"计划于{self.years((tr.year, tr.year))}末退出" if zh else
                     f"a planned exit at the end of {self.years((tr.year, tr.year))}")
            else:  # pragma: no cover
                t = str(tr)
            if tr.at_fault:
                t += (f"（过错方 {self.party(tr.at_fault)}）" if zh else
                      f" (at fault: {self.party(tr.at_fault)})")
            lines.append(f"退出触发条件 {i}：{t}。" if zh else f"Exit trigger {i}: {t}.")
        if cl.notice_years:
            lines.append(f"触发后提前通知 {cl.notice_years} 年。" if zh else
                         f"Notice: {cl.notice_years} years after a trigger fires.")
        if cl.exiting:
            buyer = self.party(cl.buyer or c.receiving)
            if cl.price is not None:
                lines.append(f"退出时 {buyer} 向退出方 {self.party(cl.exiting)} 支付 "
                             f"{self.price_text(cl.price)}。" if zh else
                             f"On an exit, {buyer} pays the exiting {self.party(cl.exiting)} "
                             f"{self.price_text(cl.price)}.")
            if cl.price_at_term_end is not None:
                lines.append(f"期满时 {buyer} 向 {self.party(cl.exiting)} 支付 "
                             f"{self.price_text(cl.price_at_term_end)}。" if zh else
                             f"At term end, {buyer} pays {self.party(cl.exiting)} "
                             f"{self.price_text(cl.price_at_term_end)}.")
            if cl.penalty is not None:
                pen = (self.money(cl.penalty.amount) if cl.penalty.amount is not None else
                       (f"价格的 {fmt_share(cl.penalty.rate_of_price)}" if zh else
                        f"{fmt_share(cl.penalty.rate_of_price)} of the price"))
                lines.append(f"违约金 {pen}，由过错方支付。" if zh else
                             f"Penalty {pen}, paid by the party at fault.")
        return lines


def describe(contract: Contract, lang: str = "zh") -> list[Section]:
    """The contract's terms in words, as sections of paragraphs, in ``zh`` or ``en``."""
    return Words(contract, lang).sections()
