"""Recognising columns: folded text, alias tables and the header-row test shared by the readers and the checks."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

from analytics.labels import BLOCKS

# ---------------------------------------------------------------- text matching


def norm(text: object) -> str:
    """NFC, case-folded, single-spaced, no spaces just inside brackets: how headers and names compare."""
    s = unicodedata.normalize("NFC", str(text)).casefold()
    s = re.sub(r"\s+", " ", s).strip()
    return s.replace("( ", "(").replace(" )", ")")


def fold(text: object) -> str:
    """`norm` without diacritics (đ → d): 'Sở Tư Pháp' and 'so tu phap' meet here."""
    s = unicodedata.normalize("NFD", norm(text))
    s = "".join(ch for ch in s if unicodedata.category(ch) != "Mn")
    return s.replace("đ", "d")


class Matcher:
    """Names → one key: exact NFC/case/space match first, then without diacritics if that is unambiguous."""

    def __init__(self, pairs: Iterable[tuple[str, str]]) -> None:
        self.exact: dict[str, set[str]] = {}
        self.loose: dict[str, set[str]] = {}
        for name, key in pairs:
            self.exact.setdefault(norm(name), set()).add(key)
            self.loose.setdefault(fold(name), set()).add(key)

    def find(self, text: object) -> str | None:
        for table, probe in ((self.exact, norm(text)), (self.loose, fold(text))):
            keys = table.get(probe)
            if keys and len(keys) == 1:
                return next(iter(keys))
        return None


# The alias tables hold what people write in their files (input vocabulary), so they live here with
# the matching rather than in labels. The commune-register download writes the canonical entries of
# REGISTER_ALIASES, PROGRAM_ALIASES and STATUS_ALIASES, so the file we offer is one we read back.
IDENTITY_ALIASES: dict[str, tuple[str, ...]] = {
    "unit_code": ("Mã đơn vị", "unit_code", "Mã ĐV", "code", "unit code"),
    "unit_name": ("Tên đơn vị", "unit_name", "Đơn vị", "unit", "name"),
    "block": ("Khối", "block"),
    "year": ("Năm", "year"),
    "quarter": ("Quý", "quarter"),
}
REGISTER_ALIASES: dict[str, tuple[str, ...]] = {
    "program": ("Chương trình", "program"),
    "commune": ("Xã", "Tên xã", "Xã, phường, thị trấn", "Xã/phường/thị trấn", "commune"),
    "district": ("Huyện", "Quận, huyện", "Quận/huyện", "district"),
    "status": ("Trạng thái", "status"),
    "achieved_on": ("Ngày đạt", "achieved_on", "date achieved"),
    "note": ("Ghi chú", "note"),
}
PROGRAM_ALIASES = {
    "ntm": ("ntm", "Nông thôn mới", "Xây dựng nông thôn mới", "NTM"),
    "xnpl": ("xnpl", "Xóa nghèo pháp luật", "“Xóa nghèo” pháp luật", "Xóa nghèo về pháp luật", "XNPL"),
}
STATUS_ALIASES = {
    "registered": ("registered", "Đã đăng ký", "Đăng ký"),
    "in_progress": ("in_progress", "in progress", "Đang thực hiện", "Đang triển khai"),
    "achieved": ("achieved", "Đã đạt", "Đạt", "Hoàn thành"),
}
IDENTITY_MATCHER = Matcher((alias, key) for key, aliases in IDENTITY_ALIASES.items() for alias in aliases)
REGISTER_MATCHER = Matcher((alias, key) for key, aliases in REGISTER_ALIASES.items() for alias in aliases)
PROGRAMS_MATCHER = Matcher((alias, key) for key, aliases in PROGRAM_ALIASES.items() for alias in aliases)
STATUSES_MATCHER = Matcher((alias, key) for key, aliases in STATUS_ALIASES.items() for alias in aliases)
BLOCKS_MATCHER = Matcher([(code, code) for code in BLOCKS] + [(name, code) for code, names in BLOCKS.items() for name in names])


def looks_like_header(row: Sequence[object]) -> bool:
    """A row naming a unit column and a year (or commune) column: the header of one of our tables."""
    found = {IDENTITY_MATCHER.find(c) for c in row if isinstance(c, str) and c} | {
        REGISTER_MATCHER.find(c) for c in row if isinstance(c, str) and c
    }
    return bool(found & {"unit_code", "unit_name"}) and bool(found & {"year", "commune"})
