"""Chinese numerals: one converter for the whole project (heading numbers, navigation, slugs).

`cn_to_int("十二") == 12`, `cn_to_int("一百零五") == 105`, `cn_to_int("两") == 2`,
`cn_to_int("二〇二四") == 2024` (digit-by-digit form); `to_roman(12) == "XII"`;
`number_en("十一") == "XI."`, `number_en("（十一）") == "(11)"`."""
from __future__ import annotations

import re

DIGITS = {"〇": 0, "零": 0, "○": 0, "一": 1, "壹": 1, "二": 2, "贰": 2, "貳": 2, "两": 2, "兩": 2,
          "三": 3, "叁": 3, "參": 3, "四": 4, "肆": 4, "五": 5, "伍": 5, "六": 6, "陆": 6, "陸": 6,
          "七": 7, "柒": 7, "八": 8, "捌": 8, "九": 9, "玖": 9}
UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
BIG_UNITS = {"万": 10_000, "萬": 10_000, "亿": 100_000_000, "億": 100_000_000}
CHARS = "".join(DIGITS) + "".join(UNITS) + "".join(BIG_UNITS)
CN_NUMBER = f"[{CHARS}]+"
"""Regex fragment matching a run of Chinese numeral characters."""


def cn_to_int(s: str) -> int:
    """Value of a Chinese numeral; ValueError if `s` is not one."""
    s = s.strip()
    if not s or any(c not in DIGITS and c not in UNITS and c not in BIG_UNITS for c in s):
        raise ValueError(f"not a Chinese numeral: {s!r}")
    if not any(c in UNITS or c in BIG_UNITS for c in s):      # 二〇二四: digit by digit
        return int("".join(str(DIGITS[c]) for c in s))
    total, section, digit, last_unit = 0, 0, None, None
    for c in s:
        if c in DIGITS:
            if digit is not None and DIGITS[c] != 0 and digit != 0:
                raise ValueError(f"not a Chinese numeral: {s!r}")
            digit = DIGITS[c]
        elif c in UNITS:
            if last_unit is not None and UNITS[c] >= last_unit:
                raise ValueError(f"not a Chinese numeral: {s!r}")
            section += (1 if digit is None else digit) * UNITS[c]   # 十二: a bare 十 is 10
            digit, last_unit = None, UNITS[c]
        else:
            section += digit or 0
            if section == 0:
                raise ValueError(f"not a Chinese numeral: {s!r}")
            total += section * BIG_UNITS[c]
            section, digit, last_unit = 0, None, None
    return total + section + (digit or 0)


def is_cn_number(s: str) -> bool:
    try:
        cn_to_int(s)
        return True
    except ValueError:
        return False


_ROMAN = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
          (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]


def to_roman(n: int) -> str:
    """Roman numeral for 1 … 3999."""
    if not 0 < n < 4000:
        raise ValueError(f"no Roman numeral for {n}")
    out = []
    for value, sym in _ROMAN:
        while n >= value:
            out.append(sym)
            n -= value
    return "".join(out)


_PAREN = re.compile(r"^\s*[(（]\s*(.+?)\s*[)）]\s*$")
_CHAPTER = re.compile(r"^第(.+?)([章节節条條部分编編篇卷款项項])$")
_EN_CHAPTER = {"章": "Chapter", "节": "Section", "節": "Section", "条": "Article", "條": "Article",
               "部分": "Part", "编": "Part", "編": "Part", "篇": "Part", "卷": "Volume", "款": "Paragraph",
               "项": "Item", "項": "Item"}


def number_en(number: str) -> str:
    """A printed heading number as English navigation shows it: 十二 → XII., （三） → (3),
    第十一章 → Chapter 11; anything else (1.2, ①) unchanged."""
    m = _PAREN.match(number)
    if m and is_cn_number(m.group(1)):
        return f"({cn_to_int(m.group(1))})"
    m = _CHAPTER.match(number.strip())
    if m and is_cn_number(m.group(1)):
        return f"{_EN_CHAPTER[m.group(2)]} {cn_to_int(m.group(1))}"
    inner = number.strip().rstrip("、.．")
    if inner and is_cn_number(inner):
        n = cn_to_int(inner)
        return to_roman(n) + "." if 0 < n < 4000 else str(n)
    return number
