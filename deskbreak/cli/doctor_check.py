"""One line of `deskbreak doctor`: what was checked, whether it is fine, and what to try if not."""

from __future__ import annotations

from dataclasses import dataclass

from ..i18n import _


@dataclass(frozen=True)
class Check:
    # An id that `--json` keeps English, marked with N_ where written and translated when shown.
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
        if self.fix and not self.ok:
            text = _("{mark} {name}: {detail} — fix: {fix}")
        else:
            text = _("{mark} {name}: {detail}")
        return text.format(mark=mark, name=self.shown_name(), detail=self.detail, fix=self.fix)

    def shown_name(self) -> str:
        """The name in the user's language; an indented name (a line under another) keeps its indent."""
        name = self.name.lstrip()
        return self.name[: len(self.name) - len(name)] + _(name)


def first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0]}" if text else type(error).__name__
