"""Two repairs to pystray 0.19's xorg backend, applied to one icon after it is built.

1. Clicks: its window does not select ButtonPressMask, so a click never reaches it (upstream #151).
2. A hang: calls from other threads (`icon.icon = ...`, `visible`, `title`, `stop`) send a
   ClientMessage on the icon's own X connection while its loop thread may be waiting there for a
   reply (`get_geometry` on Expose). python-xlib 0.33's threaded I/O can lose that reply's wake-up
   and both threads wait forever: here 1 launch in ~13 hung before the icon showed. The repair
   sends those messages on a second connection (the server still delivers them to the window's
   creator, the loop thread's connection), one call at a time and with a timeout, so the icon's
   connection is only ever used by its loop thread.
"""

from __future__ import annotations

import logging
import queue
import threading
import time

log = logging.getLogger(__name__)

DISPATCHED = ("_show", "_hide", "_update_icon", "_update_title", "_stop")
CALL_TIMEOUT = 5.0


def fix_clicks(icon) -> None:
    from Xlib import X

    icon._window.change_attributes(event_mask=X.ExposureMask | X.StructureNotifyMask | X.ButtonPressMask)
    icon._display.flush()


def route_calls(icon) -> threading.Event:
    """Replace the icon's cross-thread dispatchers with ones that use a connection of their own.
    Set the returned event before stopping the icon: other calls then return at once."""
    from Xlib import X, display
    from Xlib.protocol import event

    sender = display.Display()
    lock = threading.Lock()
    window = sender.create_resource_object("window", icon._window.id)

    closed = threading.Event()

    def wait(name: str):
        deadline = time.monotonic() + CALL_TIMEOUT
        while time.monotonic() < deadline and (name == "_stop" or not closed.is_set()):
            try:
                return icon._queue.get(timeout=0.1)
            except queue.Empty:
                continue
        if not closed.is_set():
            log.warning("the tray icon's loop did not answer %s within %.0f s", name, CALL_TIMEOUT)
        return None

    def dispatcher(name: str):
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
                message = event.ClientMessage(window=window, client_type=atom,
                                              data=(32, [X.CurrentTime, 0, 0, 0, 0]))
                window.send_event(message, event_mask=X.NoEventMask)
                sender.flush()
                result = wait(name)
            if result is not None and result is not True:
                raise result[1].with_traceback(result[2])

        return call

    for name in DISPATCHED:
        setattr(icon, name, dispatcher(name))
    return closed
