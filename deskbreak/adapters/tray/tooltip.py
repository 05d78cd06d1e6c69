"""A tooltip for pystray's xorg icon, which has none (its title only names the window).

While the pointer is over the icon, a small override-redirect window under it shows the icon's
title (`Next stretch 14:30 · Seated twist`), drawn with Pillow: the X core fonts cannot be
counted on for "·" and the like. It goes when the pointer leaves or a button is pressed.

Threads: everything runs on the icon's loop thread, in its X event handlers, on its connection.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from PIL.Image import Image
    from PIL.ImageFont import FreeTypeFont, ImageFont

log = logging.getLogger(__name__)

NAME = "deskbreak tooltip"
PAD, GAP = 6, 4  # px inside the box; between the icon and the box
INK, PAPER, EDGE = (33, 33, 33), (255, 255, 225), (120, 120, 120)


def add_tooltip(icon: Any) -> None:  # a pystray xorg Icon
    """Hook the tooltip into the icon's event loop (call before `icon.run`)."""
    from Xlib import X

    tip = _Tooltip(icon)
    handlers = icon._message_handlers
    pressed = handlers.get(X.ButtonPress, lambda event: None)
    handlers[X.EnterNotify] = tip.show
    handlers[X.LeaveNotify] = lambda event: tip.hide()

    def on_press(event: Any) -> None:
        tip.hide()
        pressed(event)

    handlers[X.ButtonPress] = on_press
    attributes = icon._window.get_attributes()
    icon._window.change_attributes(
        event_mask=attributes.your_event_mask | X.EnterWindowMask | X.LeaveWindowMask
    )
    icon._display.flush()


class _Tooltip:
    def __init__(self, icon: Any) -> None:
        self._icon = icon
        self._window: Any = None  # an Xlib window, made at the first show
        self._gc: Any = None

    def show(self, event: Any) -> None:
        from Xlib import X
        from Xlib import error as xerror

        text = str(self._icon.title or "")
        if not text:
            return
        try:
            picture = _render(text)
            window = self._window or self._create()
            x, y = self._place(picture.size)
            window.configure(x=x, y=y, width=picture.size[0], height=picture.size[1], stack_mode=X.Above)
            window.map()
            window.put_pil_image(self._gc, 0, 0, picture)
            self._icon._display.flush()
        except xerror.XError as error:  # the icon is going away, or the screen changed under us
            log.debug("tooltip not shown: %s", error)

    def hide(self) -> None:
        if self._window is not None:
            self._window.unmap()
            self._icon._display.flush()

    def _create(self) -> Any:
        from Xlib import X

        screen = self._icon._display.screen()
        self._window = screen.root.create_window(
            0,
            0,
            1,
            1,
            1,
            screen.root_depth,
            window_class=X.InputOutput,
            override_redirect=True,
            background_pixel=screen.white_pixel,
            border_pixel=screen.black_pixel,
            event_mask=X.ExposureMask,
        )
        self._window.set_wm_name(NAME)
        self._gc = self._window.create_gc()
        return self._window

    def _place(self, size: tuple[int, int]) -> tuple[int, int]:
        """Under the icon (above it when the icon sits at the bottom), kept on the screen."""
        display, icon = self._icon._display, self._icon._window
        screen = display.screen()
        geometry = icon.get_geometry()
        origin = icon.translate_coords(screen.root, 0, 0)
        left, top = -origin.x, -origin.y  # the icon's position on the root window
        y = top + geometry.height + GAP
        if y + size[1] > screen.height_in_pixels:
            y = max(0, top - GAP - size[1])
        x = min(
            max(0, left + geometry.width // 2 - size[0] // 2), max(0, screen.width_in_pixels - size[0] - 2)
        )
        return x, y


def _render(text: str) -> Image:
    """The title on a pale box, one line."""
    from PIL import Image, ImageDraw

    font = _font()
    left, top, right, bottom = font.getbbox(text)
    width, height = int(right - left) + 2 * PAD, int(bottom - top) + 2 * PAD  # float only from a bitmap font
    picture = Image.new("RGB", (width, height), PAPER)
    pen = ImageDraw.Draw(picture)
    pen.rectangle((0, 0, width - 1, height - 1), outline=EDGE)
    pen.text((PAD - left, PAD - top), text, font=font, fill=INK)
    return picture


def _font() -> FreeTypeFont | ImageFont:
    from PIL import ImageFont

    for name in ("DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"):
        try:
            return ImageFont.truetype(name, 13)
        except OSError:
            continue
    try:
        return ImageFont.load_default(size=13)  # Pillow >= 10.1 with FreeType
    except (TypeError, OSError):
        return ImageFont.load_default()
