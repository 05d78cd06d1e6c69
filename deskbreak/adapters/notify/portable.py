"""The portable baseline notifier (Windows, macOS, Linux): plain notifications, no buttons.

plyer 2.1 on Linux goes through the Flatpak portal whenever `/app` exists (true in many containers,
and it ignores the portal's answer), then dbus-python, then `notify-send` (return code ignored,
`app_icon` dropped, expire_timeout 0 = never expires). So on Linux we pick the route ourselves:
`notify-send` called here with a timeout and a checked return code, else plyer's dbus-python class
directly; elsewhere `plyer.notification.notify`. `show` blocks for at most SEND_TIMEOUT seconds.
"""

from __future__ import annotations

import importlib.util
import logging
import shutil
import subprocess
import sys
from collections.abc import Mapping

from ...ports import Notice, NotifierError, Prompt
from .markup import escape_markup

log = logging.getLogger(__name__)

SEND_TIMEOUT = 10.0
DEFAULT_TIMEOUT_SECONDS = 10  # plyer's default; its 0 means "never expires", not "server default"


def route(platform: str | None = None) -> str | None:
    """How a notification would go out here: "notify-send", "dbus-python", "plyer", or None."""
    platform = platform or sys.platform
    if platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        if shutil.which("notify-send"):
            return "notify-send"
        if importlib.util.find_spec("dbus") is not None:
            return "dbus-python"
        return None
    if platform in ("win32", "cygwin"):
        return "plyer"
    if platform == "darwin":
        return "plyer" if importlib.util.find_spec("pyobjus") is not None else None
    return None


class PlyerNotifier:
    name = "plyer"
    has_actions = False

    def __init__(
        self,
        app_icon: str | None = None,
        *,
        platform: str | None = None,
        environ: Mapping[str, str] | None = None,  # for notify-send; None: this process's
    ) -> None:
        self._app_icon = app_icon or ""
        self._platform = platform or sys.platform
        self._environ = dict(environ) if environ is not None else None

    @staticmethod
    def probe(platform: str | None = None) -> str | None:
        """The route plyer would take here, or None if it would not work."""
        return route(platform)

    def show(self, prompt: Prompt) -> None:
        self._send(Notice(prompt.title, prompt.body, prompt.icon_path, prompt.timeout_seconds))

    def notify(self, notice: Notice) -> None:
        self._send(notice)  # a plain notification either way: no buttons here

    def _send(self, prompt: Notice) -> None:
        how = route(self._platform)
        if how is None:
            raise NotifierError(f"no plain notification route on {self._platform} (install notify-send)")
        try:
            if how == "notify-send":
                self._notify_send(prompt)
            elif how == "dbus-python":
                from plyer.platforms.linux.notification import NotifyDbus

                NotifyDbus().notify(**self._kwargs(prompt))
            else:
                from plyer import notification

                notification.notify(**self._kwargs(prompt))
        except NotifierError:
            raise
        except NotImplementedError as exc:
            raise NotifierError(f"plyer has no notification backend on {self._platform}") from exc
        except Exception as exc:
            raise NotifierError(f"plyer ({how}) failed: {type(exc).__name__}: {exc}") from exc

    def withdraw(self) -> None:
        """Plain notifications cannot be taken back: they expire on their own."""

    def close(self) -> None:
        pass

    def _kwargs(self, prompt: Notice) -> dict[str, object]:
        icon = prompt.icon_path or self._app_icon
        if self._platform in ("win32", "cygwin") and not icon.lower().endswith(".ico"):
            icon = ""  # the Windows balloon only takes .ico files
        return {
            "title": prompt.title,
            "message": prompt.body,
            "app_name": "deskbreak",
            "app_icon": icon,
            "timeout": prompt.timeout_seconds or DEFAULT_TIMEOUT_SECONDS,
        }

    def _notify_send(self, prompt: Notice) -> None:
        argv = [
            "notify-send",
            "--app-name=deskbreak",
            "--urgency=normal",
            "--hint=string:desktop-entry:deskbreak",
        ]
        icon = prompt.icon_path or self._app_icon
        if icon:
            argv.append(f"--icon={icon}")
        if prompt.timeout_seconds > 0:  # else the server's default, not plyer's "never"
            argv.append(f"--expire-time={prompt.timeout_seconds * 1000}")
        argv += ["--", prompt.title, escape_markup(prompt.body)]
        try:
            done = subprocess.run(
                argv,
                capture_output=True,
                text=True,
                timeout=SEND_TIMEOUT,
                env=self._environ,
                stdin=subprocess.DEVNULL,
            )
        except subprocess.TimeoutExpired as exc:
            raise NotifierError(f"notify-send did not finish within {SEND_TIMEOUT:g} s") from exc
        except OSError as exc:
            raise NotifierError(f"cannot run notify-send: {exc}") from exc
        if done.returncode != 0:
            reason = (done.stderr or done.stdout).strip().splitlines()
            raise NotifierError(
                f"notify-send failed (exit {done.returncode}): {reason[-1] if reason else 'no message'}"
            )
