"""Draw the stretch illustrations and the app icon: `python assets/figures.py`.

Reads the pose of each stretch from `assets/poses.toml` (joint coordinates on a 480x360 canvas)
and writes `assets/stretches/<id>.png` for every stretch in `deskbreak/data/stretches.toml`, its
small notification variant `assets/stretches/small/<id>.png`, plus `assets/icon.png`. Figures are drawn at 4x and downscaled for antialiasing; the output is
deterministic, so regenerating without changes leaves the PNGs byte-identical.

    python assets/figures.py              # all stretches and the icon
    python assets/figures.py cat-cow      # only these ids (no icon)
    python assets/figures.py --sheet /tmp/sheet.png   # also a contact sheet of everything
"""

from __future__ import annotations

import argparse
import math
import sys
import tomllib
from pathlib import Path

from PIL import Image, ImageDraw

# The wheel ships this folder as it is: importing the sibling module must leave no __pycache__ here.
sys.dont_write_bytecode = True
from figure_canvas import (  # noqa: E402  (a sibling module: run as `python assets/figures.py`)
    CARD,
    CARD_EDGE,
    FAR,
    FLOOR,
    HEIGHT,
    MAT,
    NEAR,
    OUTLINE,
    PROP,
    PROP_DARK,
    SCALE,
    STRAP,
    STROKES,
    WALL,
    WIDTH,
    Canvas,
    Strokes,
    arrow,
    bezier,
)

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CATALOG = ROOT / "deskbreak" / "data" / "stretches.toml"
POSES = HERE / "poses.toml"
OUT = HERE / "stretches"

JOINTS = ("shoulders", "elbows", "hands", "hips", "knees", "feet")


def load_catalog_ids() -> list[str]:
    with CATALOG.open("rb") as f:
        return [entry["id"] for entry in tomllib.load(f).get("stretch", [])]


def load_poses() -> dict[str, dict]:
    with POSES.open("rb") as f:
        return tomllib.load(f)


def draw_chair(canvas: Canvas, chair: dict) -> None:
    """A chair seen from the side (backrest on `back`: left or right) or from the front."""
    x, seat, floor = chair["x"], chair["seat"], chair.get("floor", 318)
    if chair.get("view", "side") == "side":
        half = chair.get("depth", 44)
        back_x = x - half if chair.get("back", "left") == "left" else x + half
        canvas.capsule([(back_x, seat), (back_x, seat - chair.get("back_height", 95))], 10, PROP_DARK)
        canvas.capsule([(x - half + 6, seat + 8), (x - half + 6, floor)], 8, PROP_DARK)
        canvas.capsule([(x + half - 6, seat + 8), (x + half - 6, floor)], 8, PROP_DARK)
        canvas.rounded((x - half - 4, seat, x + half + 4, seat + 12), 6, PROP)
    else:
        half = chair.get("width", 52)
        top = seat - chair.get("back_height", 100)
        canvas.rounded((x - half + 6, top, x + half - 6, seat), 12, PROP_DARK)
        canvas.capsule([(x - half + 4, seat + 8), (x - half + 4, floor)], 8, PROP_DARK)
        canvas.capsule([(x + half - 4, seat + 8), (x + half - 4, floor)], 8, PROP_DARK)
        canvas.rounded((x - half - 6, seat - 2, x + half + 6, seat + 14), 7, PROP)


def draw_props(canvas: Canvas, props: dict, zoom: float = 1.0, floor_span=None,
               floor_color=FLOOR) -> None:
    """Wall, desk, mat and floor line at the card's scale; then the chair and figure at `zoom`.

    With `floor_span` (x0, x1) only a floor line that long is drawn, no wall and no mat (the small
    picture keeps just what says where the body is: the floor, the chair, the desk)."""
    floor = props.get("floor", 318)
    if "wall" in props and floor_span is None:
        wx = props["wall"]
        if isinstance(wx, list):  # a wall behind a figure seen from the front
            canvas.rounded((wx[0], 14, wx[1], floor), 10, WALL)
        elif wx < WIDTH / 2:
            canvas.rounded((14, 14, wx, floor), 10, WALL)
        else:
            canvas.rounded((wx, 14, WIDTH - 14, floor), 10, WALL)
    if "desk" in props:
        d = props["desk"]  # a desk edge to hold on to: x of its near edge, y of its top, side
        x, top = d["x"], d["top"]
        far = x - 120 if d.get("side", "left") == "left" else x + 120
        x0, x1 = min(x, far), max(x, far)
        canvas.rounded((x0, top, x1, top + 12), 5, PROP)
        leg = x - 12 if d.get("side", "left") == "left" else x + 12
        canvas.capsule([(leg, top + 10), (leg, floor)], 9, PROP_DARK)
    if "mat" in props and floor_span is None:
        x0, x1 = props["mat"]
        canvas.rounded((x0, floor - 7, x1, floor + 3), 5, MAT)
    x0, x1 = floor_span or (28, WIDTH - 28)
    canvas.capsule([(x0, floor + 4), (x1, floor + 4)], 5 if floor_span is None else 9, floor_color)
    canvas.zoomed(zoom, (WIDTH / 2, floor))
    if "chair" in props:
        draw_chair(canvas, props["chair"])


def _mid(a, b):
    return ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2)


def draw_limb(canvas: Canvas, pose: dict, side: int, upper: str, lower: str, end: str,
              widths: tuple[float, float], color) -> None:
    a, b, c = pose[upper][side], pose[lower][side], pose[end][side]
    canvas.capsule([a, b], widths[0], color)
    canvas.capsule([b, c], widths[1], color)


def draw_strap(canvas: Canvas, pose: dict, strokes: Strokes) -> None:
    """A towel or strap: `strap` is a closed loop of points (from the hands round the soles)."""
    if "strap" in pose:
        loop = [tuple(q) for q in pose["strap"]]
        canvas.capsule(loop + loop[:1], strokes.forearm * 0.55, STRAP)


def draw_figure(canvas: Canvas, pose: dict, near=NEAR, far=FAR, strokes: Strokes = STROKES,
                edge=CARD) -> None:
    """Limbs on the `far` side first in the lighter tone, then torso, near limbs and head.

    Pairs in the pose are [left, right] of the person. `view = "front"` draws the torso as a
    tapered block between shoulders and hips; `view = "side"` as a thick spine through `neck`,
    optional `spine` points and the middle of the hips. `front_limbs` lists limbs drawn over the
    torso (for example an arm crossing the chest), `back_limbs` limbs drawn behind it, `far_limbs`
    limbs drawn in the lighter tone whatever their side (the far ones in a front view). A front view
    with `torso = "foreshortened"` draws a back that runs away from the viewer (hips high behind
    the shoulders) as a lighter spine and hips behind the shoulder line instead of a solid block.
    """
    far_side = {"left": 0, "right": 1}.get(pose.get("far", ""), None)
    colors = [near, near]
    if far_side is not None:
        colors[far_side] = far
    limbs = {
        "arm_left": (0, "shoulders", "elbows", "hands", (strokes.upper_arm, strokes.forearm)),
        "arm_right": (1, "shoulders", "elbows", "hands", (strokes.upper_arm, strokes.forearm)),
        "leg_left": (0, "hips", "knees", "feet", (strokes.thigh, strokes.shin)),
        "leg_right": (1, "hips", "knees", "feet", (strokes.thigh, strokes.shin)),
    }
    order_front = list(pose.get("front_limbs", []))
    order_back = list(pose.get("back_limbs", []))
    for name, (side, *_rest) in limbs.items():
        if name in order_front or name in order_back:
            continue
        (order_back if side == far_side else order_front).append(name)
    # Legs before arms within each layer so hands resting on knees stay visible.
    order_back.sort(key=lambda n: n.startswith("arm"))
    order_front.sort(key=lambda n: n.startswith("arm"))

    toned = set(pose.get("far_limbs", []))  # limbs farther away in a front view, drawn lighter
    outlined = set(pose.get("outlined", []))  # limbs crossing others: an edge keeps them apart

    def limb(name: str) -> None:
        side, upper, lower, end, (w1, w2) = limbs[name]
        color = far if name in toned else colors[side]
        if name in outlined:
            draw_limb(canvas, pose, side, upper, lower, end, (w1 + 2 * OUTLINE, w2 + 2 * OUTLINE), edge)
            if end == "feet" and "toes" in pose:
                canvas.capsule([pose["feet"][side], pose["toes"][side]], strokes.shin - 3 + 2 * OUTLINE,
                               edge)
        draw_limb(canvas, pose, side, upper, lower, end, (w1, w2), color)
        if end == "feet" and "toes" in pose:  # a short foot shows which way a side view faces
            canvas.capsule([pose["feet"][side], pose["toes"][side]], strokes.shin - 3, color)

    for name in order_back:
        limb(name)
    neck, head = pose["neck"], pose["head"]
    pelvis = _mid(*pose["hips"])
    canvas.capsule([neck, head], strokes.neck, near)
    if pose.get("view", "side") == "front":
        (sl, sr), (hl, hr) = pose["shoulders"], pose["hips"]
        if pose.get("torso") == "foreshortened":  # a back seen end-on: spine and hips in the far tone
            canvas.capsule([_mid(sl, sr), _mid(hl, hr)], strokes.torso, far)
            canvas.capsule([hl, hr], 22, far)
        else:
            canvas.polygon([sl, sr, hr, hl], near)
        canvas.capsule([sl, sr], 16, near)
        if pose.get("torso") != "foreshortened":
            canvas.capsule([hl, hr], 18, near)
        canvas.capsule([neck, _mid(sl, sr)], 18, near)
    else:
        spine = [neck] + [tuple(q) for q in pose.get("spine", [])] + [pelvis]
        canvas.capsule(bezier(spine) if len(spine) in (3, 4) else spine, strokes.torso, near)
    for name in order_front:
        limb(name)
    canvas.dot(head, strokes.head_r, near)
    if "face" in pose:  # a small nose shows where the head points
        angle = math.radians(pose["face"])
        reach = strokes.head_r - 1
        nose = (head[0] + reach * math.cos(angle), head[1] + reach * math.sin(angle))
        canvas.dot(nose, strokes.head_r * 5.5 / 19, near)
    draw_strap(canvas, pose, strokes)


def render(pose: dict) -> Image.Image:
    canvas = Canvas()
    canvas.rounded((4, 4, WIDTH - 4, HEIGHT - 4), 26, CARD, outline=CARD_EDGE, width=2)
    draw_props(canvas, pose.get("props", {}), pose.get("zoom", 1.0))
    draw_figure(canvas, pose)
    for spec in pose.get("arrows", []):
        arrow(canvas, spec)
    return canvas.finish()


THUMB = 96  # the small picture's side: a notification shows it at about 48 px
THUMB_NEAR = (16, 52, 80, 255)      # darker than the card's figure: contrast at 48 px
THUMB_FAR = (112, 150, 178, 255)
THUMB_FLOOR = (150, 162, 174, 255)


def render_small(pose: dict, size: int = THUMB) -> Image.Image:
    """The notification's picture: the figure alone, bold and cropped to fill a white square.

    At 48 px the card's thin limbs, arrows, mat and wall are noise; bolder strokes, a darker figure
    and a crop to the body (plus the chair or desk it uses, and a short floor line) keep the pose."""
    canvas = Canvas()
    xs = [pose["head"][0]] + [q[0] for key in JOINTS + ("toes",) for q in pose.get(key, [])]
    span = (min(xs) - 16, max(xs) + 16)
    draw_props(canvas, pose.get("props", {}), pose.get("zoom", 1.0), span, THUMB_FLOOR)
    draw_figure(canvas, pose, near=THUMB_NEAR, far=THUMB_FAR, strokes=STROKES.scaled(1.3, head=1.15))
    x0, y0, x1, y1 = canvas.image.getbbox() or (0, 0, canvas.image.width, canvas.image.height)
    side = max(x1 - x0, y1 - y0) * 1.1
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    crop = canvas.image.crop((round(cx - side / 2), round(cy - side / 2), round(cx + side / 2),
                              round(cy + side / 2)))
    k = SCALE
    out = Image.new("RGBA", (size * k, size * k), (0, 0, 0, 0))
    ImageDraw.Draw(out).rounded_rectangle((0, 0, size * k - 1, size * k - 1), radius=size * k // 8,
                                          fill=(255, 255, 255, 255))
    out.alpha_composite(crop.resize((size * k, size * k), Image.LANCZOS))
    return out.resize((size, size), Image.LANCZOS)


def render_icon(pose: dict, size: int = 256) -> Image.Image:
    """The app icon: a figure reaching up (pose `app-icon`), white on a rounded teal square."""
    canvas = Canvas(size, size)
    canvas.rounded((8, 8, size - 8, size - 8), 52, (46, 125, 140, 255))
    # Fit the figure's bounding box (plus limb thickness) into the square.
    xs = [pose["head"][0]] + [q[0] for key in JOINTS for q in pose[key]]
    ys = [pose["head"][1]] + [q[1] for key in JOINTS for q in pose[key]]
    x0, x1, y0, y1 = min(xs) - 22, max(xs) + 22, min(ys) - 22, max(ys) + 12
    fit = (size - 60) / max(x1 - x0, y1 - y0)
    ox = (size - (x1 - x0) * fit) / 2 - x0 * fit
    oy = (size - (y1 - y0) * fit) / 2 - y0 * fit

    def tf(q):
        return [q[0] * fit + ox, q[1] * fit + oy]

    scaled = {k: v for k, v in pose.items() if k not in ("props", "arrows", "face")}
    scaled["head"], scaled["neck"] = tf(pose["head"]), tf(pose["neck"])
    for key in JOINTS:
        scaled[key] = [tf(q) for q in pose[key]]
    scaled["spine"] = [tf(q) for q in pose.get("spine", [])]
    # Widths scale with the figure, and are thicker than the illustrations' so the icon still reads
    # at notification sizes.
    white = (255, 255, 255, 255)
    draw_figure(canvas, scaled, near=white, far=(200, 230, 235, 255), strokes=STROKES.scaled(fit * 1.35))
    return canvas.finish()


def contact_sheet(images: dict[str, Image.Image], columns: int = 4) -> Image.Image:
    from PIL import ImageFont

    rows = math.ceil(len(images) / columns)
    sheet = Image.new("RGBA", (columns * (WIDTH + 10) + 10, rows * (HEIGHT + 34) + 10), (48, 52, 58, 255))
    draw = ImageDraw.Draw(sheet)
    try:
        font = ImageFont.truetype("DejaVuSans.ttf", 16)
    except OSError:
        font = ImageFont.load_default()
    for i, (name, image) in enumerate(images.items()):
        x, y = 10 + (i % columns) * (WIDTH + 10), 10 + (i // columns) * (HEIGHT + 34)
        sheet.alpha_composite(image.convert("RGBA"), (x, y))
        draw.text((x + 6, y + HEIGHT + 6), name, fill=(235, 235, 235, 255), font=font)
    return sheet


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("ids", nargs="*", help="only these stretch ids")
    parser.add_argument("--sheet", type=Path, help="also write a contact sheet here")
    args = parser.parse_args(argv)
    ids, poses = load_catalog_ids(), load_poses()
    missing = [i for i in ids if i not in poses]
    if missing:
        print(f"no pose in {POSES.name} for: {', '.join(missing)}", file=sys.stderr)
        return 1
    wanted = args.ids or ids
    OUT.mkdir(exist_ok=True)
    images = {}
    (OUT / "small").mkdir(exist_ok=True)
    for sid in wanted:
        images[sid] = render(poses[sid])
        images[sid].save(OUT / f"{sid}.png", optimize=True)
        render_small(poses[sid]).save(OUT / "small" / f"{sid}.png", optimize=True)
    if not args.ids:
        icon = render_icon(poses["app-icon"])
        icon.save(HERE / "icon.png", optimize=True)
        images["icon"] = icon.resize((HEIGHT, HEIGHT)).crop((-(WIDTH - HEIGHT) // 2, 0, WIDTH - (WIDTH - HEIGHT) // 2, HEIGHT))
    if args.sheet:
        contact_sheet(images).save(args.sheet)
    print(f"wrote {len(wanted)} illustration(s) to {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
