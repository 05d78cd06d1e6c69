"""The drawing surface and the look of the stretch pictures, for assets/figures.py.

Colours, stroke widths, a supersampled canvas that takes coordinates on the 480x360 card, Bezier
paths and movement arrows. Nothing here knows about poses or stretches.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields, replace

from PIL import Image, ImageDraw

WIDTH, HEIGHT = 480, 360
SCALE = 4  # supersampling factor

CARD = (236, 241, 245, 255)        # soft light card: reads on light and dark windows alike
CARD_EDGE = (214, 223, 231, 255)
NEAR = (38, 84, 112, 255)          # the figure
FAR = (122, 158, 182, 255)         # limbs on the far side of the body
PROP = (176, 160, 141, 255)        # chair
PROP_DARK = (150, 133, 114, 255)
FLOOR = (190, 200, 209, 255)
MAT = (214, 226, 222, 255)
WALL = (205, 212, 219, 255)
ACCENT = (226, 122, 52, 255)       # movement arrows

STRAP = (176, 58, 94, 255)         # a towel or strap held in the hands


@dataclass(frozen=True)
class Strokes:
    """Capsule widths and the head's radius, in the units of the pose (the 480x360 card)."""

    torso: float = 30
    neck: float = 12
    upper_arm: float = 14
    forearm: float = 12
    thigh: float = 18
    shin: float = 15
    head_r: float = 19

    def scaled(self, factor: float, head: float | None = None) -> "Strokes":
        """Every width times `factor`; the head's radius times `head` (default: the same factor)."""
        sizes = {f.name: getattr(self, f.name) * factor for f in fields(self)}
        sizes["head_r"] = self.head_r * (factor if head is None else head)
        return replace(self, **sizes)


STROKES = Strokes()
OUTLINE = 5  # the card-coloured edge round an `outlined` limb, so it separates from what it crosses


class Canvas:
    """A supersampled drawing surface that takes coordinates on the 480x360 canvas."""

    def __init__(self, width: int = WIDTH, height: int = HEIGHT, scale: int = SCALE) -> None:
        self.width, self.height, self.k = width, height, scale
        self.zoom, self.anchor = 1.0, (width / 2, height)
        self.image = Image.new("RGBA", (width * scale, height * scale), (0, 0, 0, 0))
        self.draw = ImageDraw.Draw(self.image)

    def p(self, point) -> tuple[float, float]:
        (ax, ay), z = self.anchor, self.zoom
        return (((point[0] - ax) * z + ax) * self.k, ((point[1] - ay) * z + ay) * self.k)

    def zoomed(self, zoom: float, anchor) -> None:
        """Scale what is drawn next (points and sizes) by `zoom` around `anchor`."""
        self.zoom, self.anchor = zoom, tuple(anchor)

    def dot(self, center, radius: float, fill) -> None:
        x, y = self.p(center)
        r = radius * self.k * self.zoom
        self.draw.ellipse((x - r, y - r, x + r, y + r), fill=fill)

    def capsule(self, points, width: float, fill) -> None:
        """A thick polyline with round ends and joints."""
        pts = [self.p(q) for q in points]
        if len(pts) > 1:
            self.draw.line(pts, fill=fill, width=round(width * self.k * self.zoom), joint="curve")
        for q in points:
            self.dot(q, width / 2, fill)

    def polygon(self, points, fill) -> None:
        self.draw.polygon([self.p(q) for q in points], fill=fill)

    def rounded(self, box, radius: float, fill, outline=None, width: float = 0) -> None:
        (x0, y0), (x1, y1) = self.p(box[:2]), self.p(box[2:])
        z = self.k * self.zoom
        self.draw.rounded_rectangle((x0, y0, x1, y1), radius=radius * z, fill=fill, outline=outline,
                                    width=round(width * z))

    def finish(self) -> Image.Image:
        return self.image.resize((self.width, self.height), Image.LANCZOS)


def bezier(points, steps: int = 40) -> list[tuple[float, float]]:
    """Points along a quadratic (3 points) or cubic (4 points) Bezier; 2 points is a line."""
    if len(points) == 2:
        return [tuple(points[0]), tuple(points[1])]
    out = []
    for i in range(steps + 1):
        t = i / steps
        if len(points) == 3:
            (x0, y0), (x1, y1), (x2, y2) = points
            x = (1 - t) ** 2 * x0 + 2 * (1 - t) * t * x1 + t * t * x2
            y = (1 - t) ** 2 * y0 + 2 * (1 - t) * t * y1 + t * t * y2
        else:
            (x0, y0), (x1, y1), (x2, y2), (x3, y3) = points
            a, b, c, d = (1 - t) ** 3, 3 * (1 - t) ** 2 * t, 3 * (1 - t) * t * t, t ** 3
            x = a * x0 + b * x1 + c * x2 + d * x3
            y = a * y0 + b * y1 + c * y2 + d * y3
        out.append((x, y))
    return out


def arrow(canvas: Canvas, spec: dict, color=ACCENT, width: float = 6) -> None:
    path = bezier(spec["points"])
    ends = [(path[-1], path[-2])] + ([(path[0], path[1])] if spec.get("both") else [])
    head = 15
    # Shorten the shaft under each head so the tip stays sharp.
    for tip, before in ends:
        angle = math.atan2(tip[1] - before[1], tip[0] - before[0])
        left = (tip[0] - head * math.cos(angle - 0.5), tip[1] - head * math.sin(angle - 0.5))
        right = (tip[0] - head * math.cos(angle + 0.5), tip[1] - head * math.sin(angle + 0.5))
        canvas.polygon([tip, left, right], color)
    trimmed = path[:]
    trimmed[-1] = _toward(path[-1], path[-2], head * 0.6)
    if spec.get("both"):
        trimmed[0] = _toward(path[0], path[1], head * 0.6)
    canvas.capsule(trimmed, width, color)


def _toward(a, b, distance: float):
    dx, dy = b[0] - a[0], b[1] - a[1]
    length = math.hypot(dx, dy) or 1
    return (a[0] + dx / length * distance, a[1] + dy / length * distance)
