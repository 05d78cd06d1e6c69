"""The tray icon pictures: every state at tray sizes, distinct, transparent, the ring follows progress."""

from __future__ import annotations

import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from deskbreak.adapters.tray.pictures import (
    KEYS,
    MAGIC,
    PHASES,
    SHIPPED,
    SIZES,
    Pictures,
    argb_pixmaps,
    draw_icon,
    drawn_pictures,
    picture_key,
    quantise,
)

TRAY_SIZES = (16, 22, 32, 64)
ROOT = Path(__file__).resolve().parents[3]
OUTPUT = ROOT / "tests" / "output"


def differs(a: Image.Image, b: Image.Image) -> bool:
    return ImageChops.difference(a, b).getbbox() is not None


@pytest.mark.parametrize("size", TRAY_SIZES)
@pytest.mark.parametrize("phase", PHASES)
def test_each_state_draws_at_tray_sizes(phase, size):
    image = draw_icon(phase, 0.5, size)
    assert image.size == (size, size) and image.mode == "RGBA"
    assert image.getchannel("A").getextrema()[1] == 255 or phase == "off"  # something solid to see
    assert image.getbbox() is not None


@pytest.mark.parametrize("size", TRAY_SIZES)
def test_states_are_distinct_at_every_size(size):
    images = {phase: draw_icon(phase, 0.5, size) for phase in PHASES}
    for i, a in enumerate(PHASES):
        for b in PHASES[i + 1 :]:
            assert differs(images[a], images[b]), f"{a} and {b} look the same at {size} px"


@pytest.mark.parametrize("phase", ["working", "snoozed", "paused", "off"])
def test_corners_are_transparent(phase):
    image = draw_icon(phase, 0.3, 32)
    for corner in ((0, 0), (31, 0), (0, 31), (31, 31)):
        assert image.getpixel(corner)[3] == 0


def test_off_is_dimmed():
    assert draw_icon("off", 0, 32).getchannel("A").getextrema()[1] < 200


def test_progress_fills_the_ring_clockwise():
    empty, quarter, half = (draw_icon("working", p, 64) for p in (0.0, 0.25, 0.5))
    assert differs(empty, quarter) and differs(quarter, half)
    # At a quarter the ring is solid at 1 o'clock (top right), not yet at 7 o'clock (bottom left).
    top_right, bottom_left = (44, 6), (19, 57)
    assert quarter.getpixel(top_right)[3] > empty.getpixel(top_right)[3] + 80
    assert quarter.getpixel(bottom_left)[3] == empty.getpixel(bottom_left)[3]


def test_progress_is_quantised_so_a_same_picture_is_not_resent():
    assert quantise(0.501) == quantise(0.5) == 0.5
    assert quantise(-1) == 0.0 and quantise(7) == 1.0
    assert picture_key("working", 0.5) == picture_key("working", 0.51)
    assert picture_key("working", 0.5) != picture_key("working", 0.6)
    assert picture_key("paused", 0.1) == picture_key("paused", 0.9)  # only the ring uses progress
    assert not differs(draw_icon("working", 0.5, 22), draw_icon("working", 0.51, 22))


def test_an_unknown_phase_draws_as_off():
    assert not differs(draw_icon("mystery", 0, 22), draw_icon("off", 0, 22))


def test_contact_sheet():
    """Every state and ring step at every size on one PNG (tests/output/icons.png), on light and dark."""
    OUTPUT.mkdir(exist_ok=True)
    rows = [(p, 0.5) for p in PHASES] + [("working", q) for q in (0.0, 0.25, 0.75, 1.0)]
    cell = 72
    sheet = Image.new("RGBA", (cell * len(TRAY_SIZES) * 2, cell * len(rows)), (255, 255, 255, 255))
    for half, background in enumerate(((240, 240, 240, 255), (40, 44, 52, 255))):
        for r, (phase, progress) in enumerate(rows):
            for c, size in enumerate(TRAY_SIZES):
                x, y = (half * len(TRAY_SIZES) + c) * cell, r * cell
                sheet.paste(Image.new("RGBA", (cell, cell), background), (x, y))
                icon = draw_icon(phase, progress, size)
                sheet.alpha_composite(icon, (x + (cell - size) // 2, y + (cell - size) // 2))
    path = OUTPUT / "icons.png"
    sheet.save(path)
    assert path.stat().st_size > 0


def test_pictures_leave_freetype_unloaded_and_charts_still_draw_text():
    """The tray's pictures import ImageDraw without loading FreeType (~1.3 MB RSS, no text drawn);
    text drawn later in the same process (charts, the xorg tooltip) loads it then."""
    import subprocess
    import sys

    code = (
        "import sys; from deskbreak.adapters.tray import pictures; pictures.draw_icon('due', 0, 32); "
        "print('PIL._imagingft' in sys.modules); "
        "from deskbreak.adapters import charts; from PIL import Image, ImageDraw; "
        "im = Image.new('L', (80, 30)); ImageDraw.Draw(im).text((2, 2), 'Mon 3', fill=255, font=charts._font(14)); "
        "print(type(charts._font(14)).__name__, im.getbbox() is not None); "
        "from PIL import ImageFont; print(type(ImageFont.load_default()).__name__)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.split() == ["False", "FreeTypeFont", "True", "FreeTypeFont"], done.stderr


LIGHT_PANEL, DARK_PANEL = (240, 240, 240), (20, 20, 24)  # xfce's default bar; waybar's and trayer's


def on_panel(image: Image.Image, panel: tuple[int, int, int]) -> Image.Image:
    backdrop = Image.new("RGBA", image.size, (*panel, 255))
    backdrop.alpha_composite(image)
    return backdrop.convert("L")


def standing_out(image: Image.Image, panel: tuple[int, int, int], by: int = 60) -> int:
    """How many pixels differ from the bare panel by `by` levels of grey or more."""
    bare = Image.new("L", image.size, Image.new("RGB", (1, 1), panel).convert("L").getpixel((0, 0)))
    diff = ImageChops.difference(on_panel(image, panel), bare)
    return sum(1 for value in diff.tobytes() if value >= by)


@pytest.mark.parametrize("size", (16, 22, 24))
@pytest.mark.parametrize("phase", PHASES)
def test_each_state_reads_on_light_and_dark_panels(phase, size):
    image = draw_icon(phase, 0.28, size)
    for panel in (LIGHT_PANEL, DARK_PANEL):
        assert standing_out(image, panel) >= size * size // 6, f"{phase} fades into {panel} at {size} px"


@pytest.mark.parametrize("size", (16, 22, 24))
def test_28_percent_shows_a_fill_on_both_panels(size):
    for panel in (LIGHT_PANEL, DARK_PANEL):
        empty, early = (on_panel(draw_icon("working", p, size), panel) for p in (0.0, 0.28))
        changed = sum(1 for value in ImageChops.difference(empty, early).tobytes() if value >= 60)
        assert changed >= size // 2, f"28 % looks like 0 % on {panel} at {size} px"


# --- the shipped pictures (deskbreak/data/tray-pictures.bin): drawn once, read as bytes ---------


def channels_apart(a: bytes, b: bytes) -> int:
    return max((abs(x - y) for x, y in zip(a, b, strict=True)), default=0)


def test_the_shipped_pictures_are_todays_drawing():
    """Redraw them (`python -m deskbreak.adapters.tray.pictures`) when the drawing changes. Another
    Pillow may resample a shade differently: within 2 of 255 per channel is the same picture."""
    shipped, drawn = Pictures.shipped(), Pictures(drawn_pictures())
    for phase, ring in KEYS:
        ours, fresh = shipped.picture(phase, ring), drawn.picture(phase, ring)
        assert [(w, h) for w, h, _ in ours.pixmaps] == [(s, s) for s in SIZES]
        for (_, _, a), (_, _, b) in zip(ours.pixmaps, fresh.pixmaps, strict=True):
            assert channels_apart(a, b) <= 2, f"{phase} {ring}: redraw the shipped pictures"


def test_a_picture_is_the_drawing_in_argb():
    picture = Pictures.shipped().picture("working", 0.26)
    assert picture.key == ("working", 0.25)
    assert picture.pixmaps == tuple(argb_pixmaps(draw_icon("working", 0.25, 64)))
    assert not differs(picture.image(), draw_icon("working", 0.25, 64))


def test_an_unknown_phase_shows_as_off():
    pictures = Pictures.shipped()
    assert pictures.picture("mystery", 0.4).pixmaps == pictures.picture("off", 0).pixmaps


def test_a_missing_or_foreign_file_is_drawn_instead(tmp_path, caplog):
    (tmp_path / "old.bin").write_bytes(b"deskbreak tray pictures 0\n")
    for path in (tmp_path / "absent.bin", tmp_path / "old.bin"):
        assert Pictures.shipped(path).picture("due", 0) == Pictures.shipped().picture("due", 0)
    assert "drawing them" in caplog.text


def test_reading_the_pictures_imports_no_pillow():
    code = (
        "import sys; from deskbreak.adapters.tray.pictures import Pictures; "
        "p = Pictures.shipped(); [p.picture(ph, 0.5) for ph in ('working', 'due', 'off')]; "
        "print(sorted(m for m in sys.modules if m == 'PIL' or m.startswith('PIL.')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert done.stdout.strip() == "[]", done.stderr


def test_only_where_each_picture_lies_is_kept_and_each_is_read_when_shown(tmp_path):
    path = tmp_path / "tray-pictures.bin"
    path.write_bytes(SHIPPED.read_bytes())
    pictures = Pictures.shipped(path)
    assert not any(isinstance(value, bytes) for value in vars(pictures).values())  # no copy of the file
    assert pictures.picture("due", 0.0) == Pictures(SHIPPED.read_bytes()).picture("due", 0.0)


def test_a_pictures_file_replaced_while_running_is_read_again(tmp_path):
    path = tmp_path / "tray-pictures.bin"
    data = SHIPPED.read_bytes()
    path.write_bytes(data)
    pictures = Pictures.shipped(path)
    # The same pictures compressed otherwise (every picture at another offset): as an upgrade may leave it.
    count = len(KEYS) * len(SIZES)
    at, parts = len(MAGIC) + 4 * count, []
    for length in struct.unpack_from(f">{count}I", data, len(MAGIC)):
        parts.append(zlib.compress(zlib.decompress(data[at : at + length]), 1))
        at += length
    path.write_bytes(MAGIC + struct.pack(f">{count}I", *map(len, parts)) + b"".join(parts))
    assert pictures.picture("paused", 0.0) == Pictures(data).picture("paused", 0.0)
    path.unlink()  # gone altogether: drawn (Pillow)
    assert pictures.picture("off", 0.0) == Pictures(drawn_pictures()).picture("off", 0.0)
