"""One line of `deskbreak doctor`: what was checked, whether it is fine, and what to try if not."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""
    essential: bool = False
    # Where a fact about the daemon's session came from: "daemon" (it answered), "predicted" (the
    # same choosers run here, no daemon answered); "" for the installation's own checks.
    source: str = ""

    def line(self) -> str:
        mark = "✓" if self.ok else "✗"
        fix = f" — fix: {self.fix}" if self.fix and not self.ok else ""
        return f"{mark} {self.name}: {self.detail}{fix}"


def first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0]}" if text else type(error).__name__
