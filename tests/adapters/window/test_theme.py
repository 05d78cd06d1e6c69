"""Where the guided window may go: pure, no display."""

from __future__ import annotations

from deskbreak.adapters.window.theme import SCREEN_MARGIN, centred, usable_area, workarea_of

LAPTOP = (0, 0, 1366, 768)


def test_the_work_area_leaves_the_panels_out() -> None:
    assert usable_area(LAPTOP, (0, 0, 1366, 736)) == (0, 0, 1366, 736)
    assert usable_area(LAPTOP, (0, 28, 1366, 740)) == (0, 28, 1366, 740)  # a panel on top


def test_a_work_area_spanning_monitors_is_cut_to_the_pointers_monitor() -> None:
    right = (1920, 0, 1366, 768)
    assert usable_area(right, (0, 0, 3286, 1048)) == (1920, 0, 1366, 768)
    assert usable_area(right, (0, 0, 1920, 1048)) == (
        1920 + SCREEN_MARGIN,
        SCREEN_MARGIN,
        1366 - 2 * SCREEN_MARGIN,
        768 - 2 * SCREEN_MARGIN,
    )  # no overlap: as if none were given


def test_without_a_work_area_a_margin_is_kept_for_panels() -> None:
    assert usable_area(LAPTOP, None) == (48, 48, 1270, 672)
    assert usable_area((0, 0, 320, 240), None) == (30, 30, 260, 180)  # a tiny screen: a smaller margin


def test_the_current_desktops_work_area_is_read() -> None:
    values = [0, 0, 1366, 736, 0, 30, 1366, 738]
    assert workarea_of(values, None) == (0, 0, 1366, 736)
    assert workarea_of(values, 1) == (0, 30, 1366, 738)
    assert workarea_of(values, 5) == (0, 0, 1366, 736)  # a desktop without an entry: the first
    assert workarea_of([], 0) is None and workarea_of([0, 0, 0, 0], 0) is None


def test_centred_stays_inside_the_area() -> None:
    assert centred((1000, 700), (0, 0, 1366, 736)) == (183, 18)
    assert centred((1500, 800), (0, 0, 1366, 736)) == (0, 0)
