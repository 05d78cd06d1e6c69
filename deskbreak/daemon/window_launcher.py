"""Starts the guided window in a process of its own (`python -m deskbreak.adapters.window.guided`), one at a time.

The daemon never imports tkinter: a Tk crash cannot take it down, and the tray keeps the main
thread. Where tkinter is missing the launcher says so once in the log and the daemon keeps using
notifications.

Threads: `for_prompt` is called by the daemon with its lock held; it only starts a process (no
waiting for it) and polls the last one, so it returns at once.
"""

from __future__ import annotations

import importlib.util
import logging
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable

log = logging.getLogger(__name__)


def window_argv(stretch_id: str, focus: bool, menu_less: bool, socket_path: Path | None = None,
                config_path: Path | None = None, python: str = sys.executable) -> list[str]:
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


def has_tkinter() -> bool:
    return importlib.util.find_spec("tkinter") is not None


class WindowLauncher:
    """The guided window's port: `for_prompt` opens it when the user asks or the config wants it."""

    def __init__(self, socket_path: Path | None = None, menu_less: bool = False,
                 config_path: Callable[[], Path | None] = lambda: None,
                 popen: Callable[..., Any] = subprocess.Popen, tk_available: Callable[[], bool] = has_tkinter):
        self.socket_path = socket_path
        self.menu_less = menu_less
        self.config_path = config_path
        self._popen = popen
        self._tk_available = tk_available
        self._proc: Any = None
        self._said_no_tk = False

    def is_open(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def open(self, stretch_id: str, focus: bool) -> bool:
        """Start the window for `stretch_id` unless one is open; False when it cannot be shown."""
        if self.is_open():
            return True
        if not self._tk_available():
            if not self._said_no_tk:
                self._said_no_tk = True
                log.warning("no guided window: tkinter is missing (Debian/Ubuntu: apt install python3-tk); "
                            "prompts stay notifications")
            return False
        argv = window_argv(stretch_id, focus, self.menu_less, self.socket_path, self.config_path())
        try:
            self._proc = self._popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     start_new_session=True, close_fds=True)
        except OSError as error:
            log.warning("could not start the guided window: %s", error)
            return False
        log.info("guided window opened for %s%s", stretch_id, " (focused)" if focus else "")
        return True

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

