from __future__ import annotations

from datetime import UTC, datetime, timedelta

from deskbreak.core.presence import Presence, Returned, is_away, observe

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def feed(samples, presence=None):
    """samples: (minutes after T0, idle seconds, locked). Returns the final presence and returns."""
    presence = presence or Presence()
    returns = []
    for minute, idle, locked in samples:
        presence, returned = observe(presence, T0 + timedelta(minutes=minute), idle, locked)
        if returned:
            returns.append(returned)
    return presence, returns


def test_typing_all_along_is_never_a_break():
    presence, returns = feed([(m, 3.0, False) for m in range(10)])
    assert presence == Presence() and returns == []


def test_a_quiet_stretch_is_dated_by_the_idle_time_not_the_heartbeat():
    _presence, returns = feed(
        [(0, 1, False), (1, 40, False), (2, 100, False), (8, 460, False), (9, 20, False)]
    )
    # quiet since 00:20 (100 s before minute 2), typing again at 08:40 (20 s before minute 9)
    assert returns == [Returned(T0 + timedelta(seconds=20), T0 + timedelta(minutes=8, seconds=40))]
    assert returns[0].length == timedelta(minutes=8, seconds=20)


def test_a_locked_screen_is_away_even_without_idle_time():
    presence, returns = feed([(0, None, True), (6, None, True)])
    assert is_away(presence, T0 + timedelta(minutes=6), timedelta(minutes=5))
    presence, returns = feed([(7, 2, False)], presence)
    assert returns and returns[0].began == T0


def test_no_probe_means_no_opinion():
    presence, returns = feed([(0, None, None), (30, None, None)])
    assert presence == Presence() and returns == []


def test_away_only_after_the_natural_break_length():
    presence, _ = feed([(0, 120, False)])
    assert not is_away(presence, T0, timedelta(minutes=5))
    assert is_away(presence, T0 + timedelta(minutes=3), timedelta(minutes=5))
