"""Starts the guided window in a process of its own (`python -m deskbreak.adapters.window.guided`), one at a time.

The daemon never imports tkinter: a Tk crash cannot take it down, and the tray keeps the main
thread. When the window cannot open (tkinter missing, no X display: a Wayland session without
Xwayland) the launcher says why once, in the log, and `can_open` tells the prompt not to offer a
window; it never pretends the window opened. A window process that starts
and then finds it cannot open (Tk's own error) is noticed by a watcher thread, which calls
`on_failed(stretch_id, reason)` so the daemon shows the notification after all.

Threads: `for_prompt` is called by the daemon with its lock held; it only starts a process (no
waiting for it) and polls the last one, so it returns at once. `on_failed` runs on the watcher thread.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from ..adapters.window.availability import exit_reason, has_tkinter, unavailable_reason
from ..i18n import child_environment

log = logging.getLogger(__name__)

WINDOW_CLASS = "deskbreak"  # the guided window's Tk class (adapters/window/guided.py)


def window_argv(
    stretch_id: str,
    focus: bool,
    menu_less: bool,
    socket_path: Path | None = None,
    config_path: Path | None = None,
    python: str = sys.executable,
) -> list[str]:
    """The window's command line (run without a shell)."""
    argv = [python, "-m", "deskbreak.adapters.window.guided", "--stretch", stretch_id]
    if focus:
        argv.append("--focus")
    if menu_less:
        argv.append("--menu-less")
    if socket_path is not None:
        argv += ["--socket", str(socket_path)]
    if config_path is not None:
        argv += ["--config", str(config_path)]
    return argv


class WindowLauncher:
    """The guided window's port: `for_prompt` opens it when the user asks or the config wants it."""

    def __init__(
        self,
        socket_path: Path | None = None,
        menu_less: bool = False,
        config_path: Callable[[], Path | None] = lambda: None,
        popen: Callable[..., Any] = subprocess.Popen,
        tk_available: Callable[[], bool] = has_tkinter,
        environ: Mapping[str, str] = os.environ,
        on_failed: Callable[[str, str], None] | None = None,
    ):
        self.socket_path = socket_path
        self.menu_less = menu_less
        self.config_path = config_path
        self.on_failed = on_failed
        self._popen = popen
        self._tk_available = tk_available
        self._environ = environ
        self._proc: Any = None
        self._said: set[str] = set()
        self._failed = False  # a window could not open here: prompts stop offering one
        self._lock = threading.Lock()

    def is_open(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def close(self) -> None:
        """The daemon is stopping: a window left open could record nothing, so it goes too."""
        proc = self._proc
        if proc is not None and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(2)
            except subprocess.TimeoutExpired:
                proc.kill()

    def can_open(self) -> bool:
        """Whether a window may open here (so a prompt may offer it): not where it cannot start (no
        tkinter, no X display) nor after one could not open on this display."""
        with self._lock:
            failed = self._failed
        return not failed and unavailable_reason(self._environ, self._tk_available) is None

    def _say(self, reason: str) -> None:
        """Why no window opened: once in the log (and `doctor` says it too), never in the bubble,
        where servers that show few lines would push the stretch out of sight."""
        with self._lock:
            self._failed = True
            if reason in self._said:
                return
            self._said.add(reason)
        log.warning("no guided window: %s; prompts stay notifications", reason)

    def open(self, stretch_id: str, focus: bool) -> bool:
        """Start the window for `stretch_id` unless one is open (then, asked with `focus`, bring it
        to the front: it may have opened unfocused beside a prompt); False when it cannot be shown."""
        if self.is_open():
            if focus:
                threading.Thread(target=self._raise, daemon=True, name="deskbreak-window-raise").start()
            return True
        reason = unavailable_reason(self._environ, self._tk_available)
        if reason:
            self._say(reason)
            return False
        argv = window_argv(stretch_id, focus, self.menu_less, self.socket_path, self.config_path())
        try:
            self._proc = self._popen(
                argv,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                # The window speaks the daemon's language, also when the config (not the desktop) chose it.
                env=child_environment(self._environ),
                start_new_session=True,
                close_fds=True,
            )
        except OSError as error:
            self._say(f"it could not be started ({error})")
            return False
        log.info("guided window starting for %s%s", stretch_id, " (focused)" if focus else "")
        threading.Thread(
            target=self._watch, args=(self._proc, stretch_id), daemon=True, name="deskbreak-window-watch"
        ).start()
        return True

    def _raise(self) -> None:
        from ..adapters.window.raise_x11 import raise_window

        if raise_window(WINDOW_CLASS, self._environ.get("DISPLAY")):
            log.info("guided window raised")

    def _watch(self, proc: Any, stretch_id: str) -> None:
        reason = exit_reason(proc.wait())
        if reason is None:
            return
        self._say(reason)
        if self.on_failed is not None:
            try:
                self.on_failed(stretch_id, reason)
            except Exception:
                log.exception("falling back from the guided window failed")

    def for_prompt(self, stretch_id: str, asked: bool, with_prompt: bool) -> bool:
        """A prompt for `stretch_id` is due to be shown. Opens the window when the user asked for it
        (`show`: with focus) or the config says `window = "with_prompt"` (without focus). True when
        the window stands in for the notification: the user asked, or a window is already open
        (it follows a changed stretch itself)."""
        if asked:
            return self.open(stretch_id, focus=True)
        if self.is_open():
            return True
        if with_prompt:
            self.open(stretch_id, focus=False)
        return False
