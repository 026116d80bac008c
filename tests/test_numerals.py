"""The one Chinese-numeral converter (bireport/numerals.py); expected values written by hand."""
from __future__ import annotations

import pytest

from bireport.numerals import cn_to_int, is_cn_number, number_en, to_roman


@pytest.mark.parametrize("cn, value", [
    ("一", 1), ("九", 9), ("十", 10), ("十一", 11), ("十二", 12), ("十九", 19), ("二十", 20),
    ("二十三", 23), ("九十九", 99), ("一百", 100), ("一百零五", 105), ("一百一十", 110),
    ("一百二十三", 123), ("二百", 200), ("一千", 1000), ("一千零一", 1001), ("一千二百三十四", 1234),
    ("三万", 30000), ("十万零一", 100001), ("〇", 0), ("零", 0), ("两", 2), ("两百", 200),
    ("二〇二四", 2024), ("一九九七", 1997), ("壹拾", 10), ("貳", 2),
])
def test_cn_to_int(cn, value):
    assert cn_to_int(cn) == value


@pytest.mark.parametrize("bad", ["", "章", "十十", "二二十", "百十百", "一a", "第一"])
def test_not_a_numeral(bad):
    assert not is_cn_number(bad)
    with pytest.raises(ValueError):
        cn_to_int(bad)


@pytest.mark.parametrize("n, roman", [(1, "I"), (4, "IV"), (9, "IX"), (10, "X"), (11, "XI"), (12, "XII"),
                                      (14, "XIV"), (40, "XL"), (99, "XCIX"), (2024, "MMXXIV")])
def test_to_roman(n, roman):
    assert to_roman(n) == roman


def test_to_roman_range():
    with pytest.raises(ValueError):
        to_roman(0)


@pytest.mark.parametrize("number, en", [
    ("一", "I."), ("十", "X."), ("十一", "XI."), ("十二", "XII."), ("十三、", "XIII."),
    ("(一)", "(1)"), ("（十四）", "(14)"), ("( 三 )", "(3)"),
    ("第三章", "Chapter 3"), ("第十一条", "Article 11"), ("第二节", "Section 2"), ("第一百零二条", "Article 102"),
    ("1.2", "1.2"), ("①", "①"), ("", ""),
])
def test_number_en(number, en):
    assert number_en(number) == en


def test_english_navigation_uses_the_converter():
    from bireport.render import number_en as render_number_en

    assert render_number_en is number_en
