"""Repairs to pystray 0.19's xorg backend, applied to one icon after it is built.

1. Clicks: its window does not select ButtonPressMask, so a click never reaches it (upstream #151).
2. A hang: calls from other threads (`icon.icon = ...`, `visible`, `title`, `stop`) send a
   ClientMessage on the icon's own X connection while its loop thread may be waiting there for a
   reply (`get_geometry` on Expose). python-xlib 0.33's threaded I/O can lose that reply's wake-up
   and both threads wait forever: here 1 launch in ~13 hung before the icon showed. The repair
   sends those messages on a second connection (the server still delivers them to the window's
   creator, the loop thread's connection), one call at a time and with a timeout, so the icon's
   connection is only ever used by its loop thread.
3. Docking over and over: every `icon.icon = ...` sends the tray host a new dock request, and
   trayer embeds the docked icon again in a new socket each time; now and then the icon comes out
   1 px wide (2 of 6 now/skip cycles here). `fix_docking` asks a tray host once; the DockWatch
   (tray_dock.py) asks again when the host missed it or the icon collapsed.
4. Drawing: it pastes the RGBA picture on black (solid ovals, the faint ring lost) stretched to
   the window's shape. `fix_drawing` draws it square and centred over the tray's own background
   (the window's background is ParentRelative; the icon is blended over what the tray painted),
   since trayer offers no ARGB visual (no _NET_SYSTEM_TRAY_VISUAL) to draw real alpha into.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from PIL import Image

log = logging.getLogger(__name__)

DISPATCHED = ("_show", "_hide", "_update_icon", "_update_title", "_stop")
CALL_TIMEOUT = 5.0


def fix_clicks(icon: Any) -> None:  # a pystray xorg Icon, as below
    from Xlib import X

    icon._window.change_attributes(event_mask=X.ExposureMask | X.StructureNotifyMask | X.ButtonPressMask)
    icon._display.flush()


def fix_docking(icon: Any) -> None:
    """pystray docks on every icon update; ask a tray host only when not asked (or not docked)."""
    from Xlib import X

    ask = icon._assert_docked  # the bound original: the dock request and its assertion

    def assert_docked() -> None:  # runs on the icon's loop thread, like the original
        if icon._systray_manager is not None:
            return  # already asked this host; the DockWatch asks again if it missed the request
        root = icon._display.screen().root
        if int(icon._window.query_tree().parent.id) != int(root.id):  # docked by the DockWatch
            manager = icon._get_systray_manager()
            if manager is not None:
                manager.change_attributes(event_mask=X.StructureNotifyMask)  # hear it go away
                icon._systray_manager = manager
                return
        ask()

    icon._assert_docked = assert_docked


def fix_drawing(icon: Any) -> None:
    """Draw the picture square, centred and blended over the tray's background."""
    from PIL import Image
    from Xlib import X
    from Xlib import error as xerror

    window = icon._window
    window.change_attributes(background_pixmap=X.ParentRelative)
    icon._display.flush()

    def draw() -> None:  # on the icon's loop thread (Expose, ConfigureNotify, a new picture)
        try:
            geometry = window.get_geometry()
            width, height = geometry.width, geometry.height
            window.clear_area(0, 0, width, height)  # the tray's background, through ParentRelative
            back = _background(window, width, height)
            side = max(1, min(width, height))
            picture = icon._icon.convert("RGBA").resize((side, side), Image.Resampling.LANCZOS)
            back.alpha_composite(picture, ((width - side) // 2, (height - side) // 2))
            window.put_pil_image(icon._gc, 0, 0, back.convert("RGB"))
        except (xerror.BadDrawable, xerror.BadMatch, xerror.BadWindow):
            pass  # not viewable yet (an Expose follows) or destroyed

    icon._draw = draw


def _background(window: Any, width: int, height: int) -> Image.Image:
    """What the tray painted under the icon, as an RGBA image (grey where it cannot be read)."""
    from PIL import Image
    from Xlib import X

    raw = window.get_image(0, 0, width, height, X.ZPixmap, 0xFFFFFFFF)
    if raw.depth in (24, 32) and len(raw.data) >= width * height * 4:
        return Image.frombytes("RGB", (width, height), bytes(raw.data), "raw", "BGRX").convert("RGBA")
    return Image.new("RGBA", (width, height), (128, 128, 128, 255))


def route_calls(icon: Any) -> threading.Event:
    """Replace the icon's cross-thread dispatchers with ones that use a connection of their own.
    Set the returned event before stopping the icon: other calls then return at once."""
    from Xlib import X, display
    from Xlib.protocol import event

    sender = display.Display()
    lock = threading.Lock()
    window = sender.create_resource_object("window", icon._window.id)

    closed = threading.Event()

    def wait(name: str) -> Any:
        deadline = time.monotonic() + CALL_TIMEOUT
        while time.monotonic() < deadline and (name == "_stop" or not closed.is_set()):
            try:
                return icon._queue.get(timeout=0.1)
            except queue.Empty:
                continue
        if not closed.is_set():
            log.warning("the tray icon's loop did not answer %s within %.0f s", name, CALL_TIMEOUT)
        return None

    def dispatcher(name: str) -> Callable[[], None]:
        original = getattr(icon, name).__func__.__wrapped__  # the loop-thread body (bound)
        atom = sender.intern_atom(f"_PYSTRAY_{name.upper()}")

        def call() -> None:
            loop = getattr(icon, "_thread", None)
            if loop is not None and threading.current_thread() is loop:
                original()
                return
            with lock:
                if closed.is_set() and name != "_stop":  # stopping: nobody may answer
                    return
                message = event.ClientMessage(
                    window=window, client_type=atom, data=(32, [X.CurrentTime, 0, 0, 0, 0])
                )
                window.send_event(message, event_mask=X.NoEventMask)
                sender.flush()
                result = wait(name)
            if result is not None and result is not True:
                raise result[1].with_traceback(result[2])

        return call

    for name in DISPATCHED:
        setattr(icon, name, dispatcher(name))
    return closed
