"""The check-in words: emergency numbers as the data gives them, counts below 5 hidden."""

from __future__ import annotations

from dataclasses import replace

from core.i18n import Catalogs
from domain.checkins import CheckinCounts
from domain.gazetteer import Gazetteer
from views.checkins import checkin_lines, need_help

G = Gazetteer.default()
CATALOGS = Catalogs.load()


def test_need_help_lists_the_districts_numbers_and_says_nobody_is_sent() -> None:
    quetta = G.get("quetta")
    assert quetta is not None
    with_numbers = replace(quetta, emergency=("1122", "+92 81 920-1234"))
    text = need_help(CATALOGS.get("en"), with_numbers, with_numbers.emergency)
    assert "Khabardar cannot send help." in text
    assert "Emergency numbers for Quetta: 1122, +92 81 920-1234" in text
    urdu = need_help(CATALOGS.get("ur"), with_numbers, with_numbers.emergency)
    assert "کوئٹہ کے ہنگامی نمبر: 1122، +92 81 920-1234" in urdu


def test_counts_lines_hide_small_numbers() -> None:
    counts = [CheckinCounts("KB-2026-0007", "kech", safe=4, help=0, left=9)]
    (line,) = checkin_lines(CATALOGS.get("en"), counts, gazetteer=G)
    assert line == "🙋 KB-2026-0007 · Kech: ✅ fewer than 5 · 🆘 0 · 🚶 9"
