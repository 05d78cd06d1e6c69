"""The stretch pictures: drawn from assets/poses.toml by assets/figures.py, true to the steps, and a
small variant per stretch that still reads at the ~48 px a notification shows it at."""

from __future__ import annotations

import importlib.util
import math
import sys
import tomllib
from pathlib import Path
from types import ModuleType

import pytest

from deskbreak.assets import load_builtin, stretch_picture, stretch_thumbnail

REPO = Path(__file__).resolve().parents[2]
ASSETS = REPO / "assets"
IDS = [s.id for s in load_builtin()]
POSES = tomllib.loads((ASSETS / "poses.toml").read_text("utf-8"))


def figures() -> ModuleType:
    """assets/figures.py (a script beside its figure_canvas module), imported without leaving bytecode
    in assets/ (the wheel ships that folder as it is)."""
    spec = importlib.util.spec_from_file_location("deskbreak_figures", ASSETS / "figures.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    saved = sys.dont_write_bytecode, list(sys.path)
    sys.path.insert(0, str(ASSETS))
    try:
        spec.loader.exec_module(module)
    finally:
        sys.dont_write_bytecode, sys.path[:] = saved[0], saved[1]
    return module


@pytest.fixture(scope="module")
def drawn() -> ModuleType:
    return figures()


@pytest.mark.parametrize("stretch_id", IDS)
def test_the_shipped_pictures_are_what_figures_py_draws_from_the_poses(drawn, stretch_id):
    from PIL import Image

    big, small = (
        ASSETS / "stretches" / f"{stretch_id}.png",
        ASSETS / "stretches" / "small" / f"{stretch_id}.png",
    )
    redraw = "run `python assets/figures.py` after changing poses.toml or figures.py"
    with Image.open(big) as image:
        assert image.convert("RGBA").tobytes() == drawn.render(POSES[stretch_id]).tobytes(), redraw
    with Image.open(small) as image:
        assert image.convert("RGBA").tobytes() == drawn.render_small(POSES[stretch_id]).tobytes(), redraw


def pixels(image) -> list[tuple[int, ...]]:
    data = image.convert("RGBA").tobytes()
    return [tuple(data[i : i + 4]) for i in range(0, len(data), 4)]


def luminance(rgba: tuple[int, ...]) -> float:
    r, g, b, a = rgba
    # Composited on a dark notification background (the harder case for a dark figure).
    bg = 40
    r, g, b = (c * a / 255 + bg * (1 - a / 255) for c in (r, g, b))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


@pytest.mark.parametrize("stretch_id", IDS)
def test_the_small_picture_reads_at_48_px(stretch_id):
    """Square, opaque enough to stand on a dark or light bubble, and the figure fills it: at 48 px
    dark figure pixels cover a good part of a light square, where the card's own picture scaled to
    48 px leaves a few grey specks."""
    from PIL import Image

    path = stretch_thumbnail(stretch_id)
    assert path is not None and path.parent.name == "small", stretch_id
    with Image.open(path) as image:
        assert image.size[0] == image.size[1] >= 48
        small = pixels(image.convert("RGBA").resize((48, 48), Image.LANCZOS))
    light = sum(luminance(p) > 200 for p in small) / len(small)
    figure = sum(luminance(p) < 90 for p in small) / len(small)
    assert light > 0.45, f"{stretch_id}: the background should be a light square ({light:.0%})"
    assert figure > 0.07, f"{stretch_id}: the figure covers only {figure:.0%} at 48 px"
    with Image.open(stretch_picture(stretch_id)) as card:
        scaled = pixels(card.convert("RGBA").resize((48, 36), Image.LANCZOS))
    assert figure > 1.5 * sum(luminance(p) < 90 for p in scaled) / len(scaled), stretch_id


def near_side(pose: dict) -> str:
    """The side of the body toward the viewer in a side view, from where the face and head point.

    With x to the image right and z up, the viewer looking into the image: a body facing F with its
    head along H has its right side along F x H, which is toward the viewer when its y is negative.
    """
    angle = math.radians(pose["face"])
    fx, fz = math.cos(angle), -math.sin(angle)
    (lx, ly), (rx, ry) = pose["hips"]
    hx, hz = pose["head"][0] - (lx + rx) / 2, -(pose["head"][1] - (ly + ry) / 2)
    return "right" if fz * hx - fx * hz < 0 else "left"


def test_near_side_knows_a_figure_facing_right_shows_its_right_side():
    standing = {"face": 0, "head": [240, 60], "hips": [[238, 190], [242, 190]]}
    assert near_side(standing) == "right"
    assert near_side({**standing, "face": 180}) == "left"
    lying_face_up_head_left = {"face": -90, "head": [80, 290], "hips": [[220, 296], [224, 296]]}
    assert near_side(lying_face_up_head_left) == "right"


@pytest.mark.parametrize(
    "stretch_id", [i for i in IDS if POSES[i].get("view", "side") == "side" and "far" in POSES[i]]
)
def test_a_side_view_draws_the_near_limbs_dark(stretch_id):
    """The lighter far limbs are the ones behind the body: a figure facing the image right shows its
    right side, so its left limbs are the far ones (drawn otherwise, the steps' legs swap places)."""
    pose = POSES[stretch_id]
    assert pose["far"] != near_side(pose), f"{stretch_id}: far = {pose['far']!r} is the side facing us"


def test_the_kneeling_lunge_puts_the_left_foot_forward_as_its_steps_say():
    pose = POSES["kneeling-hip-flexor"]
    left_foot, right_foot = pose["feet"]
    facing_right = math.cos(math.radians(pose["face"])) > 0
    forward = "left" if (left_foot[0] > right_foot[0]) == facing_right else "right"
    steps = next(s for s in load_builtin() if s.id == "kneeling-hip-flexor").steps
    assert forward == "left" and "left foot forward" in steps[0]
    left_knee, right_knee = pose["knees"]
    assert right_knee[1] > left_knee[1], "the right knee is the one down on the mat"


def test_the_floor_bend_shows_its_towel_from_the_hands_to_the_soles():
    pose = POSES["floor-forward-bend"]
    hands, toes = pose["hands"][1], pose["toes"][1]
    xs = [q[0] for q in pose["strap"]]
    assert min(xs) <= hands[0] + 4 and max(xs) > toes[0], "the strap runs from the hands round the soles"


def test_the_side_stretch_leans_well_over():
    pose = POSES["standing-side-stretch"]
    (lx, ly), (rx, ry) = pose["hips"]
    lean = math.degrees(math.atan2(pose["neck"][0] - (lx + rx) / 2, (ly + ry) / 2 - pose["neck"][1]))
    assert 20 <= lean <= 40, f"the trunk leans {lean:.0f} degrees"
