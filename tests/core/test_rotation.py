from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from deskbreak.core import rotation as rot

IDS = [f"s{i}" for i in range(8)]


def offered(rotation: rot.Rotation, eligible, focus=(), count=20) -> list[str]:
    out = []
    for _ in range(count):
        out.append(rot.peek(rotation, eligible, focus))
        rotation = rot.advance(rotation, eligible, focus)
    return out


def test_no_stretch_repeats_until_every_eligible_one_was_offered():
    seq = offered(rot.Rotation(seed=3), IDS, count=len(IDS) * 3)
    for start in range(0, len(seq), len(IDS)):
        assert sorted(seq[start : start + len(IDS)]) == sorted(IDS)


def test_the_same_seed_gives_the_same_order_and_another_seed_another():
    assert offered(rot.Rotation(seed=1), IDS) == offered(rot.Rotation(seed=1), IDS)
    assert offered(rot.Rotation(seed=1), IDS) != offered(rot.Rotation(seed=2), IDS)


def test_focus_stretches_come_up_about_twice_as_often():
    seq = offered(rot.Rotation(seed=5), IDS, focus=["s0", "s1"], count=100)
    assert seq.count("s0") > 1.6 * seq.count("s5")
    first_cycle = seq[: len(IDS)]
    assert sorted(first_cycle) == sorted(IDS)


@given(
    st.integers(0, 10_000),
    st.lists(st.sampled_from(IDS), min_size=1, unique=True),
    st.lists(st.sampled_from(IDS), unique=True),
)
def test_never_the_same_stretch_twice_in_a_row(seed, eligible, focus):
    seq = offered(rot.Rotation(seed=seed), eligible, focus, count=40)
    if len(eligible) > 1:
        assert all(a != b for a, b in itertools.pairwise(seq))
    assert set(seq) <= set(eligible)


def test_no_eligible_stretches_gives_none():
    assert rot.peek(rot.Rotation(), []) is None


def test_a_shrinking_catalog_starts_a_new_cycle_instead_of_failing():
    rotation = rot.Rotation(seed=1)
    for _ in range(6):
        rotation = rot.advance(rotation, IDS)
    assert rot.peek(rotation, IDS[:3]) in IDS[:3]
