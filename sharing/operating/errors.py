"""Input-file errors (semantics §6.0, §6.4a), reported all at once.

Each error is ``FILE: row R, column C (HEADER): message``: rows as the spreadsheet shows
them (the header is row 1, ``-`` for a missing row or an unreadable file), columns by letter
(``-`` where no cell is meant, followed by the missing column's English name in brackets).
Messages are English templates with parameters, translated through the project's gettext
catalog (``web/translations/zh/LC_MESSAGES/messages.po``) for zh-CN.
"""

from __future__ import annotations

import gettext
import pathlib
from dataclasses import dataclass, field
from functools import lru_cache

MO = (pathlib.Path(__file__).resolve().parents[2] / "web" / "translations" / "zh"
      / "LC_MESSAGES" / "messages.mo")


@lru_cache(maxsize=1)
def _zh() -> gettext.NullTranslations:
    try:
        with MO.open("rb") as f:
            return gettext.GNUTranslations(f)
    except OSError:  # pragma: no cover - the catalog is part of the package
        return gettext.NullTranslations()


def translate(template: str, lang: str) -> str:
    """The template in ``lang`` ("zh" or "en"); English where the catalog has no entry."""
    return _zh().gettext(template) if lang.startswith("zh") else template


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA (as a spreadsheet names columns)."""
    out = ""
    index += 1
    while index:
        index, r = divmod(index - 1, 26)
        out = chr(65 + r) + out
    return out


@dataclass(frozen=True)
class FileError:
    """One thing wrong with an input file, at one cell (or none)."""

    file: str
    row: int | None  # spreadsheet row; None for a missing row or the file as a whole
    column: str | None  # letter; None where no cell is meant
    header: str | None  # the header as written, or the English name of a missing column
    template: str
    params: dict[str, str] = field(default_factory=dict)

    def render(self, lang: str = "en") -> str:
        row = "-" if self.row is None else str(self.row)
        col = "-" if self.column is None else self.column
        where = translate("row {row}, column {column}", lang).format(row=row, column=col)
        if self.header:
            where += (f"（{self.header}）" if lang.startswith("zh") else f" ({self.header})")
        text = translate(self.template, lang)
        try:
            text = text.format(**self.params)
        except (KeyError, IndexError, ValueError):
            pass
        sep = "：" if lang.startswith("zh") else ": "
        return f"{self.file}{sep}{where}{sep}{text}"

    def __str__(self) -> str:
        return self.render("en")


class FileErrors:
    """Collects every error of one or more input files (§6.0: all at once)."""

    def __init__(self, file: str):
        self.file = file
        self.items: list[FileError] = []

    def add(self, row: int | None, column: tuple[str | None, str | None], template: str,
            **params: object) -> None:
        """Record an error at ``row`` and ``column`` = (letter, header)."""
        letter, header = column
        self.items.append(FileError(self.file, row, letter, header, template,
                                    {k: str(v) for k, v in params.items()}))

    def __bool__(self) -> bool:
        return bool(self.items)

    def __len__(self) -> int:
        return len(self.items)


class InputFilesInvalid(Exception):
    """Raised with every error of the case's input files; nothing was computed."""

    def __init__(self, errors: list[FileError]):
        super().__init__("\n".join(str(e) for e in errors))
        self.errors = errors

    def lines(self, lang: str = "en") -> list[str]:
        return [e.render(lang) for e in self.errors]


NO_CELL: tuple[None, None] = (None, None)
