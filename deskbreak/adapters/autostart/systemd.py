"""Autostart as a systemd user unit bound to the graphical session (restarted when it fails)."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable, Sequence
from pathlib import Path

from ...i18n import _
from .base import MARKER, AutostartError, AutostartStatus

UNIT = "deskbreak.service"

Runner = Callable[[Sequence[str]], "tuple[int, str]"]


def _run(argv: Sequence[str]) -> tuple[int, str]:
    done = subprocess.run(list(argv), capture_output=True, text=True, timeout=30, check=False)
    return done.returncode, (done.stdout + done.stderr).strip()


def systemd_quote(arg: str) -> str:
    """One ExecStart= argument: specifiers (%) and variables ($) escaped, quoted when needed."""
    arg = arg.replace("%", "%%").replace("$", "$$")
    if arg and not any(c in arg for c in " \t\n\"'\\;"):
        return arg
    return '"' + arg.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def unit_text(argv: Sequence[str]) -> str:
    return "\n".join(
        [
            f"# Written by `deskbreak autostart enable --systemd`; {MARKER}=true",
            "[Unit]",
            "Description=deskbreak desk-break reminder",
            "PartOf=graphical-session.target",
            "After=graphical-session.target",
            "",
            "[Service]",
            "Type=simple",
            f"ExecStart={' '.join(systemd_quote(a) for a in argv)}",
            "Restart=on-failure",
            "RestartSec=5",
            "",
            "[Install]",
            "WantedBy=graphical-session.target",
            "",
        ]
    )


class SystemdUnit:
    method = "systemd"

    def __init__(
        self, config_home: Path, run: Runner = _run, which: Callable[[str], str | None] = shutil.which
    ):
        self.path = config_home / "systemd" / "user" / UNIT
        self._run, self._which = run, which

    def _systemctl(self, *args: str) -> tuple[int, str] | None:
        if not self._which("systemctl"):
            return None
        return self._run(["systemctl", "--user", *args])

    def _managed(self) -> bool | None:
        try:
            return f"{MARKER}=true" in self.path.read_text("utf-8", errors="replace")
        except FileNotFoundError:
            return None

    def status(self) -> AutostartStatus:
        managed = self._managed()
        if managed is None:
            return AutostartStatus(self.method, str(self.path), False, False, _("not enabled"))
        if not managed:
            return AutostartStatus(
                self.method,
                str(self.path),
                False,
                False,
                _("a deskbreak.service that deskbreak did not write is there"),
            )
        answer = self._systemctl("is-enabled", UNIT)
        if answer is None:
            return AutostartStatus(
                self.method, str(self.path), True, True, _("unit written (no systemctl here)")
            )
        enabled = answer[0] == 0
        state = answer[1] or _("not enabled")
        if enabled:
            detail = _("enabled")
        else:
            # Translators: {state} is what `systemctl is-enabled` answered (e.g. "disabled"), as it wrote it.
            detail = _("unit written but {state}").format(state=state)
        return AutostartStatus(self.method, str(self.path), enabled, True, detail)

    def enable(self, argv: Sequence[str]) -> str:
        if self._managed() is False:
            raise AutostartError(
                _("{path} exists and was not written by deskbreak; remove it first").format(path=self.path)
            )
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(unit_text(argv), "utf-8")
        if self._systemctl("daemon-reload") is None:
            return _(
                "wrote {path} (no systemctl here: run `systemctl --user enable {unit}` in your session)"
            ).format(path=self.path, unit=UNIT)
        code, output = self._systemctl("enable", UNIT) or (0, "")
        if code != 0:
            raise AutostartError(
                _("systemctl --user enable {unit} failed: {output}").format(unit=UNIT, output=output)
            )
        return _("enabled: {path} (starts with the graphical session)").format(path=self.path)

    def disable(self) -> str:
        managed = self._managed()
        if managed is None:
            return _("not enabled: {path}").format(path=self.path)
        if not managed:
            return _("left alone: {path} (not written by deskbreak)").format(path=self.path)
        self._systemctl("disable", UNIT)
        self.path.unlink()
        self._systemctl("daemon-reload")
        return _("disabled: removed {path}").format(path=self.path)
