"""The docking watchdog (X11): makes sure the tray icon really sits in a tray, every time.

A system-tray icon on X11 is a window that asks the tray host (the owner of the
`_NET_SYSTEM_TRAY_S{screen}` selection) to embed it with a SYSTEM_TRAY_REQUEST_DOCK message.
Neither pystray backend checks the answer: a request the host misses leaves a 1x1 top-level
window nobody sees. Nor does pystray's xorg backend dock again when the host restarts.

`DockWatch` runs on a daemon thread with its own X connection and sleeps on X events:
- after the icon is shown, and after every change below, it checks within `settle` seconds that the
  icon window's parent is no longer the root window; if not, it sends the dock request itself
  (the same message the toolkits send) with backoff, up to `attempts` times, logging each;
- a docked icon must also be big enough to see: one squeezed to a sliver (trayer, after docking an
  icon twice, can leave it 1 px wide) is taken out of its tray (reparented to the root) and docked
  again, which makes the host size it afresh;
- it hears a tray host go away (DestroyNotify of the selection owner) and a new one announce itself
  (the XEmbed MANAGER ClientMessage on the root window), and an icon pulled out of its tray
  (ReparentNotify back to the root), and checks again.
"""

from __future__ import annotations

import logging
import os
import select
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

log = logging.getLogger(__name__)

REQUEST_DOCK = 0
MIN_SIDE = 8  # px: a docked icon narrower or lower than this is collapsed, not shown


class DockWatch:
    def __init__(
        self,
        window_id: Callable[[], int],
        display_name: str | None = None,
        settle: float = 1.0,
        attempts: int = 6,
    ) -> None:
        self._window_id = window_id  # the icon's X window (may change: the toolkit may recreate it)
        self._display_name = display_name
        self.settle = settle
        self.attempts = attempts
        self.redocks = 0  # dock requests this watchdog had to send (for logs and tests)
        self.docked = threading.Event()
        self._wake_r, self._wake_w = os.pipe()
        self._stopped = False
        self._thread = threading.Thread(target=self._run, name="deskbreak-dock", daemon=True)

    def start(self) -> DockWatch:
        from Xlib import X, display

        self._d = display.Display(self._display_name)
        self._root = self._d.screen().root
        self._tray_atom = self._d.intern_atom(f"_NET_SYSTEM_TRAY_S{self._d.get_default_screen()}")
        self._manager_atom = self._d.intern_atom("MANAGER")
        self._opcode_atom = self._d.intern_atom("_NET_SYSTEM_TRAY_OPCODE")
        # X errors (a window destroyed under us) arrive late on this connection: the next check copes.
        self._d.set_error_handler(lambda error, request: log.debug("X error (ignored): %s", error))
        self._root.change_attributes(event_mask=X.StructureNotifyMask)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopped = True
        try:
            os.write(self._wake_w, b"x")
        except OSError:
            pass

    # --- the loop ---

    def _run(self) -> None:
        try:
            self._loop()
        except Exception:  # the icon keeps working without the watchdog; say why it stopped
            log.exception("the docking watchdog stopped")
        finally:
            for fd in (self._wake_r, self._wake_w):
                os.close(fd)
            self._d.close()

    def _loop(self) -> None:
        started = time.monotonic()
        check_at: float | None = started + min(0.2, self.settle)
        attempt, watched, manager = 0, 0, 0
        repairs = 0  # collapsed icons docked again; not reset by the reparenting that causes
        small_since: float | None = None  # a fresh dock may be 1x1 for a moment: look twice
        while not self._stopped:
            timeout = None if check_at is None else max(0.0, check_at - time.monotonic())
            if not self._d.pending_events():
                ready = select.select([self._d.fileno(), self._wake_r], [], [], timeout)[0]
                if self._wake_r in ready:
                    return
            for event in self._events():
                reason = self._reason(event, manager, watched)
                if reason:
                    log.info("%s: checking the icon is docked", reason)
                    attempt, check_at = 0, time.monotonic() + (self.settle if "new tray" in reason else 0.05)
            if check_at is None or time.monotonic() < check_at:
                continue
            window, manager = self._window_id(), self._manager()
            if window and window != watched:
                self._select(window)
                watched = window
            if not window or not manager:
                if not manager:
                    log.warning("no tray host (no owner of the system tray selection): waiting for one")
                self.docked.clear()
                check_at = None if not manager else time.monotonic() + self.settle
                continue
            docked = self._is_docked(window)
            size = self._size(window) if docked else None
            if size is not None and min(size) < MIN_SIDE and repairs < self.attempts:
                if small_since is None or time.monotonic() - small_since < self.settle:
                    small_since = small_since or time.monotonic()
                    check_at = small_since + self.settle
                    continue
                small_since = None
                repairs += 1
                self.docked.clear()
                log.warning(
                    "the tray icon is docked but collapsed to %dx%d px: docking it again (%d of %d)",
                    *size,
                    repairs,
                    self.attempts,
                )
                self._undock(window)  # its ReparentNotify brings the check that docks it afresh
                check_at = time.monotonic() + self.settle
                continue
            small_since = None
            if docked:
                if size is not None and min(size) >= MIN_SIDE:
                    repairs = 0
                if not self.docked.is_set():
                    log.info(
                        "tray icon docked (after %d request(s) of ours, %.2f s since start)",
                        attempt,
                        time.monotonic() - started,
                    )
                self.docked.set()
                attempt, check_at = 0, None
            elif attempt >= self.attempts:
                log.error(
                    "the tray icon did not dock after %d requests: giving up until the tray host restarts",
                    attempt,
                )
                self.docked.clear()
                check_at = None
            else:
                attempt += 1
                self.docked.clear()
                log.warning(
                    "the tray icon is not docked: asking the tray host again (%d of %d)",
                    attempt,
                    self.attempts,
                )
                self._request_dock(manager, window)
                check_at = time.monotonic() + self.settle * 2 ** (attempt - 1)

    def _events(self) -> Iterator[Any]:
        while self._d.pending_events():
            yield self._d.next_event()

    def _reason(self, event: Any, manager: int, watched: int) -> str | None:
        from Xlib import X

        if event.type == X.ClientMessage and event.client_type == self._manager_atom:
            if event.data[1][1] == self._tray_atom:
                return "a new tray host appeared"
        elif event.type == X.DestroyNotify and manager and event.window.id == manager:
            self.docked.clear()
            return "the tray host went away"
        elif event.type == X.ReparentNotify and event.window.id == watched:
            return "the icon was reparented"
        elif (
            event.type == X.ConfigureNotify
            and event.window.id == watched
            and min(event.width, event.height) < MIN_SIDE
        ):
            return f"the icon was resized to {event.width}x{event.height} px"
        return None

    # --- X requests ---

    def _manager(self) -> int:
        from Xlib import X

        owner: Any = self._d.get_selection_owner(self._tray_atom)  # a Window, or X.NONE (0)
        owner_id = int(getattr(owner, "id", owner) or 0)
        if owner_id:  # hear it go away
            owner.change_attributes(event_mask=X.StructureNotifyMask)
        return owner_id

    def _select(self, window: int) -> None:
        from Xlib import X

        self._d.create_resource_object("window", window).change_attributes(event_mask=X.StructureNotifyMask)
        self._d.flush()

    def _is_docked(self, window: int) -> bool:
        from Xlib import error

        try:
            tree = self._d.create_resource_object("window", window).query_tree()
        except error.XError:
            return False
        return int(tree.parent.id) != int(self._root.id)

    def _size(self, window: int) -> tuple[int, int] | None:
        from Xlib import error

        try:
            geometry = self._d.create_resource_object("window", window).get_geometry()
        except error.XError:
            return None
        return int(geometry.width), int(geometry.height)

    def _undock(self, window: int) -> None:
        """Take the icon out of its tray: the host lets go of it, a fresh dock request sizes it anew."""
        icon = self._d.create_resource_object("window", window)
        icon.unmap()
        icon.reparent(self._root, 0, 0)
        self._d.flush()

    def _request_dock(self, manager: int, window: int) -> None:
        from Xlib import X
        from Xlib.protocol import event

        self.redocks += 1
        target = self._d.create_resource_object("window", manager)
        message = event.ClientMessage(
            window=target,
            client_type=self._opcode_atom,
            data=(32, [X.CurrentTime, REQUEST_DOCK, window, 0, 0]),
        )
        target.send_event(message, event_mask=X.NoEventMask)
        self._d.flush()
