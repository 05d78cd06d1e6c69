"""Autostart on Linux desktops: `$XDG_CONFIG_HOME/autostart/deskbreak.desktop` (XDG Autostart spec)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ...i18n import _
from .base import MARKER, AutostartError, AutostartStatus

# Characters that force an Exec argument into double quotes (Desktop Entry spec, "The Exec key").
_RESERVED = set(" \t\n\"'\\><~|&;$*?#()`")
_ESCAPED_IN_QUOTES = set('"`$\\')


def exec_quote(arg: str) -> str:
    arg = arg.replace("%", "%%")  # a literal percent (field codes start with %)
    if arg and not any(c in _RESERVED for c in arg):
        return arg
    return '"' + "".join("\\" + c if c in _ESCAPED_IN_QUOTES else c for c in arg) + '"'


def exec_value(argv: Sequence[str]) -> str:
    """The Exec= value: quoted per argument, then backslashes escaped again as a string value."""
    return " ".join(exec_quote(a) for a in argv).replace("\\", "\\\\")


def desktop_entry(argv: Sequence[str]) -> str:
    return "\n".join(
        [
            "[Desktop Entry]",
            "Type=Application",
            "Name=deskbreak",
            "Comment=Desk-break reminder: one back stretch at a time",
            f"Exec={exec_value(argv)}",
            "Icon=deskbreak",
            "Terminal=false",
            "Categories=Utility;",
            "X-GNOME-Autostart-enabled=true",
            f"{MARKER}=true",
            "",
        ]
    )


def _keys(text: str) -> dict[str, str]:
    return {k.strip(): v.strip() for k, _, v in (line.partition("=") for line in text.splitlines()) if _}


class XdgAutostart:
    method = "xdg"

    def __init__(self, config_home: Path):
        self.path = config_home / "autostart" / "deskbreak.desktop"

    def _read(self) -> dict[str, str] | None:
        try:
            return _keys(self.path.read_text("utf-8", errors="replace"))
        except FileNotFoundError:
            return None

    def status(self) -> AutostartStatus:
        keys = self._read()
        if keys is None:
            # Translators: autostart status: deskbreak does not start with the desktop session.
            return AutostartStatus(self.method, str(self.path), False, False, _("not enabled"))
        managed = keys.get(MARKER) == "true"
        off = keys.get("Hidden") == "true" or keys.get("X-GNOME-Autostart-enabled") == "false"
        detail = (
            (_("disabled in the desktop's settings") if off else _("enabled"))
            if managed
            else _("a deskbreak.desktop that deskbreak did not write is there")
        )
        return AutostartStatus(self.method, str(self.path), not off, managed, detail)

    def enable(self, argv: Sequence[str]) -> str:
        if self._read() is not None and not self.status().managed:
            raise AutostartError(
                _("{path} exists and was not written by deskbreak; remove it first").format(path=self.path)
            )
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(desktop_entry(argv), "utf-8")
        return _("enabled: {path}").format(path=self.path)

    def disable(self) -> str:
        state = self.status()
        if self._read() is None:
            return _("not enabled: {path}").format(path=self.path)
        if not state.managed:
            return _("left alone: {path} (not written by deskbreak)").format(path=self.path)
        self.path.unlink()
        return _("disabled: removed {path}").format(path=self.path)
