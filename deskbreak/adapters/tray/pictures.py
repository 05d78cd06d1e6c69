"""The tray icon: one picture per state, crisp from 16 to 64 px, drawn with Pillow once and shipped.

Drawn at 4x on a transparent canvas, then downscaled (antialiasing for free). The panel's colour is
unknown (light xfce, dark waybar or trayer), so every state carries its own light backing inside its
ring: it reads on a dark bar, and on a light one the ring draws the edge.
working  a teal ring that fills clockwise from 12 o'clock around a stretching figure, on white
due      a filled orange disc with the figure and a red attention dot
snoozed  a blue ring with a "z", on white
paused   a grey-blue ring with two bars, on white
off      a dimmed grey disc with a crescent moon (no ring with lines: that read as a peace sign)

There are 29 pictures in all (`KEYS`: the ring moves in 24 steps), so they are drawn once, when
deskbreak is built (`python -m deskbreak.adapters.tray.pictures`, checked by a test), and shipped
as ARGB32 pixmaps in `deskbreak/data/tray-pictures.bin`: the daemon reads bytes and never imports
Pillow for its icon (about 6 MB of RSS, bench/README.md). pystray's own backends take a Pillow
image, which they import themselves: `Picture.image()` makes one from the bytes.

Pure: no clock, no GUI toolkit. `picture_key` quantises the progress so the tray re-sends a
picture only when it would look different.
"""

from __future__ import annotations

import logging
import os
import struct
import sys
import zlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from PIL import Image
    from PIL.ImageDraw import ImageDraw as Pen

log = logging.getLogger(__name__)


class _FreeTypeOnDemand(ModuleType):
    """Stands in for PIL.ImageFont's FreeType binding until text is drawn, then loads it for good."""

    def __getattr__(self, name: str) -> Any:
        from PIL import ImageFont, _imagingft

        ImageFont.core = _imagingft
        return getattr(_imagingft, name)


@lru_cache(maxsize=1)
def _image_draw() -> ModuleType:
    """PIL.ImageDraw imports ImageFont, which loads FreeType, HarfBuzz and FriBiDi: ~1.3 MB of RSS,
    while the icons draw no text. So when nothing has loaded ImageFont yet, its binding is hidden
    during that import and replaced by a stand-in that loads it at the first use: text drawn later
    in the process (the xorg tooltip, charts) works as ever."""
    hide = "PIL.ImageFont" not in sys.modules and "PIL._imagingft" not in sys.modules
    if hide:
        sys.modules["PIL._imagingft"] = None  # type: ignore[assignment]  # None: importing it raises ImportError
    try:
        from PIL import ImageDraw, ImageFont
    finally:
        if hide:
            del sys.modules["PIL._imagingft"]
    if hide:
        ImageFont.core = _FreeTypeOnDemand("PIL._imagingft")
    return ImageDraw


SCALE = 4
RING_STEPS = 24  # the ring moves in 15° steps: finer is invisible at tray sizes
PHASES = ("working", "due", "snoozed", "paused", "off")
SIZES = (
    16,
    22,
    24,
    32,
    48,
    64,
)  # StatusNotifierItem hosts pick the nearest; 22 and 24 are the usual panel sizes
DRAWN = SIZES[-1]  # px: pystray's backends and the toolkits scale it down to the tray's size
KEYS: tuple[tuple[str, float], ...] = (
    *(("working", step / RING_STEPS) for step in range(RING_STEPS + 1)),
    *((phase, 0.0) for phase in PHASES if phase != "working"),
)
SHIPPED = Path(__file__).resolve().parents[2] / "data" / "tray-pictures.bin"
MAGIC = b"deskbreak tray pictures 1\n"
Pixmap = tuple[int, int, bytes]  # (width, height, ARGB32 in network byte order), as IconPixmap's a(iiay)

TEAL, TEAL_DIM = (0, 121, 107, 255), (0, 150, 136, 100)
ORANGE, RED, WHITE = (245, 124, 0, 255), (220, 30, 40, 255), (255, 255, 255, 255)
BLUE, SLATE = (41, 98, 255, 255), (84, 110, 122, 255)
PAPER = (250, 250, 250, 230)  # the light backing inside the rings (the symbols on it are opaque)
# "off" is dimmed (partly transparent) as a whole: a quiet grey disc, its moon lighter.
GREY, MOON = (128, 128, 128, 175), (235, 235, 235, 175)


def quantise(progress: float) -> float:
    """The progress as the ring shows it (a multiple of 1/RING_STEPS, 0..1)."""
    return round(min(1.0, max(0.0, progress)) * RING_STEPS) / RING_STEPS


def picture_key(view_phase: str, progress: float) -> tuple[str, float]:
    """Two views with the same key draw the same picture."""
    return view_phase, quantise(progress) if view_phase == "working" else 0.0


def draw_icon(view_phase: str, progress: float, size: int) -> Image.Image:
    """The RGBA icon for a tray phase at `size` px (unknown phases draw as "off"), drawn with Pillow:
    for building the shipped pictures, and for tests."""
    phase, ring = picture_key(view_phase if view_phase in PHASES else "off", progress)
    return _draw(phase, ring, size)


@lru_cache(maxsize=64)
def _draw(phase: str, ring: float, size: int) -> Image.Image:
    from PIL import Image

    big = size * SCALE
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    pen = _image_draw().Draw(image)
    width = max(SCALE * 2, big // 7)  # the ring's stroke: ~2.3 px at 16, 9 px at 64: a fill shows
    edge = max(SCALE, big // 18)  # the ring's outer edge, in from the canvas's
    box = (edge, edge, big - 1 - edge, big - 1 - edge)  # Pillow draws a ring inward from its box
    inside = edge + width - 1
    inner = (inside, inside, big - 1 - inside, big - 1 - inside)  # the backing, inside the ring
    if phase == "working":
        inside = edge + width // 2 - 1
        inner = (inside, inside, big - 1 - inside, big - 1 - inside)

    if phase == "working":
        # The track is the band's outer half, the backing reaches under its inner half: the filled
        # part is twice as thick as the rest and eats into the white, which shows on any panel.
        pen.ellipse(inner, fill=PAPER)
        pen.ellipse(box, outline=TEAL_DIM, width=width // 2)
        if ring >= 1.0:
            pen.ellipse(box, outline=TEAL, width=width)
        elif ring > 0:
            pen.arc(box, -90, -90 + 360 * ring, fill=TEAL, width=width)
        _figure(pen, big, TEAL)
    elif phase == "due":
        pen.ellipse((0, 0, big - 1, big - 1), fill=ORANGE)
        _figure(pen, big, WHITE)
        dot = big * 0.34
        pen.ellipse((big - dot, 0, big - 1, dot - 1), fill=RED, outline=WHITE, width=max(SCALE, big // 32))
    elif phase == "snoozed":
        pen.ellipse(inner, fill=PAPER)
        pen.ellipse(box, outline=BLUE, width=width)
        _zed(pen, big, width)
    elif phase == "paused":
        pen.ellipse(inner, fill=PAPER)
        pen.ellipse(box, outline=SLATE, width=width)
        bar_w, top, bottom = big * 0.14, big * 0.30, big * 0.70
        for left in (big * 0.31, big * 0.55):
            pen.rectangle((left, top, left + bar_w, bottom), fill=SLATE)
    else:
        pen.ellipse((0, 0, big - 1, big - 1), fill=GREY)
        _moon(pen, big)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def _moon(pen: Pen, big: int) -> None:
    """A crescent: a light disc with a grey one over its upper right."""
    r = big * 0.27
    cx, cy = big * 0.47, big * 0.53
    pen.ellipse((cx - r, cy - r, cx + r, cy + r), fill=MOON)
    dx, dy = big * 0.15, -big * 0.11
    pen.ellipse((cx - r + dx, cy - r + dy, cx + r + dx, cy + r + dy), fill=GREY)


def _figure(pen: Pen, big: int, colour: tuple[int, int, int, int]) -> None:
    """A figure stretching, arms up in a Y: a head, a spine and two raised arms."""
    c, stroke = big / 2, max(SCALE, big // 12)
    head = big * 0.085
    pen.ellipse((c - head, big * 0.25 - head, c + head, big * 0.25 + head), fill=colour)
    pen.line((c, big * 0.40, c, big * 0.74), fill=colour, width=stroke)  # spine
    pen.line((c, big * 0.47, c - big * 0.17, big * 0.30), fill=colour, width=stroke)
    pen.line((c, big * 0.47, c + big * 0.17, big * 0.30), fill=colour, width=stroke)


def _zed(pen: Pen, big: int, width: int) -> None:
    left, right, top, bottom = big * 0.32, big * 0.68, big * 0.32, big * 0.68
    stroke = max(SCALE * 2, width * 3 // 4)
    pen.line((left, top, right, top, left, bottom, right, bottom), fill=BLUE, width=stroke, joint="curve")


def argb_pixmaps(image: Image.Image, sizes: tuple[int, ...] = SIZES) -> list[Pixmap]:
    """A picture as ARGB32 pixmaps in `sizes` (Pillow)."""
    from PIL import Image

    rgba = image.convert("RGBA")
    out: list[Pixmap] = []
    for size in sizes:
        scaled = rgba if rgba.size == (size, size) else rgba.resize((size, size), Image.Resampling.LANCZOS)
        red, green, blue, alpha = scaled.split()
        out.append((size, size, Image.merge("RGBA", (alpha, red, green, blue)).tobytes()))
    return out


def drawn_pictures() -> bytes:
    """What `SHIPPED` holds, drawn now (Pillow): the magic line, then the length of every pixmap
    (KEYS by SIZES, as 32-bit big-endian integers), then each pixmap's ARGB bytes zlib-compressed."""
    parts = [zlib.compress(argb, 9) for key in KEYS for _, _, argb in argb_pixmaps(_draw(*key, DRAWN))]
    return MAGIC + struct.pack(f">{len(parts)}I", *map(len, parts)) + b"".join(parts)


@dataclass(frozen=True)
class Picture:
    """One tray picture: its ARGB32 pixmaps, smallest first (the StatusNotifierItem sends these)."""

    key: tuple[str, float]
    pixmaps: tuple[Pixmap, ...]

    def image(self) -> Image.Image:
        """The largest as a Pillow image, for pystray's own backends (they import Pillow anyway)."""
        from PIL import Image

        width, height, argb = self.pixmaps[-1]
        return Image.frombytes("RGBA", (width, height), argb, "raw", "ARGB")


class Pictures:
    """The shipped pictures, read one at a time: only where each lies is kept (the file holds 280 KB
    compressed, which a daemon showing one picture for minutes has no need to keep in memory)."""

    def __init__(self, data: bytes | None = None, path: Path | None = None) -> None:
        """From `data` (the file's bytes, kept), or from `path` (its header read now, each picture
        read from it when asked for)."""
        count = len(KEYS) * len(SIZES)
        header = len(MAGIC) + 4 * count
        self._stamp: tuple[int, int] | None = None
        if data is not None:
            head, size = data[:header], len(data)
        elif path is not None:
            with path.open("rb") as file:
                head, stat = file.read(header), os.fstat(file.fileno())
            size, self._stamp = stat.st_size, (stat.st_size, stat.st_mtime_ns)
        else:
            raise TypeError("Pictures needs data or a path")
        if not head.startswith(MAGIC) or len(head) < header:
            raise ValueError("not a deskbreak tray pictures file of this version")
        lengths = struct.unpack_from(f">{count}I", head, len(MAGIC))
        at = header
        self._spans: dict[tuple[str, float], list[tuple[int, int]]] = {}
        for index, length in enumerate(lengths):
            self._spans.setdefault(KEYS[index // len(SIZES)], []).append((at, length))
            at += length
        if at != size:
            raise ValueError("a deskbreak tray pictures file of the wrong length")
        self._data, self._path = data, path

    @classmethod
    def shipped(cls, path: Path = SHIPPED) -> Pictures:
        """The pictures shipped with deskbreak; drawn here and now when they are missing or stale."""
        try:
            return cls(path=path)
        except (OSError, ValueError) as error:
            log.warning("tray pictures not read from %s (%s): drawing them", path, error)
            return cls(drawn_pictures())

    def _packed(self, key: tuple[str, float]) -> list[bytes]:
        if self._data is not None:
            return [self._data[at : at + length] for at, length in self._spans[key]]
        assert self._path is not None
        with self._path.open("rb") as file:
            stat = os.fstat(file.fileno())
            if (stat.st_size, stat.st_mtime_ns) != self._stamp:
                raise ValueError(f"{self._path} changed while deskbreak ran")
            packed = []
            for at, length in self._spans[key]:
                file.seek(at)
                packed.append(file.read(length))
        return packed

    def _unpacked(self, key: tuple[str, float]) -> Picture:
        packed = self._packed(key)
        return Picture(
            key, tuple((size, size, zlib.decompress(p)) for size, p in zip(SIZES, packed, strict=True))
        )

    def picture(self, view_phase: str, progress: float) -> Picture:
        """The picture for a tray phase (unknown phases show as "off")."""
        key = picture_key(view_phase if view_phase in PHASES else "off", progress)
        try:
            return self._unpacked(key)
        except (OSError, ValueError, zlib.error) as error:
            if self._path is None:
                raise
            # The file went or was replaced (an upgrade while deskbreak runs): read it again.
            log.info("tray pictures: %s; reading them again", error)
            again = Pictures.shipped(self._path)
            self._spans, self._data, self._path, self._stamp = (
                again._spans,
                again._data,
                again._path,
                again._stamp,
            )
            return self._unpacked(key)


if __name__ == "__main__":  # python -m deskbreak.adapters.tray.pictures: draw the shipped pictures
    SHIPPED.write_bytes(drawn_pictures())
    print(f"{SHIPPED}: {len(KEYS)} pictures in {len(SIZES)} sizes, {SHIPPED.stat().st_size} bytes")
