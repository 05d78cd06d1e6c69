"""Hatchling's build hook: every translation (`deskbreak/locale/<lang>/LC_MESSAGES/deskbreak.po`)
compiled to the `.mo` gettext reads, into the wheel. The `.mo` files are not committed (.gitignore);
an editable install compiles them next to their `.po` in the checkout instead.

Babel does the compiling: it is in `[build-system] requires`, never a runtime dependency.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

LOCALE = Path("deskbreak") / "locale"


def compile_po(po: Path, mo: Path) -> None:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as file:
        catalog = read_po(file)
    mo.parent.mkdir(parents=True, exist_ok=True)
    with mo.open("wb") as file:
        write_mo(file, catalog)


class CustomBuildHook(BuildHookInterface):  # type: ignore[type-arg]  # hatchling's generic has no stub default
    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel":
            return
        root = Path(self.root)
        catalogs = sorted((root / LOCALE).glob("*/LC_MESSAGES/deskbreak.po"))
        if version == "editable":  # the installed package is the checkout: compile in place
            for po in catalogs:
                compile_po(po, po.with_suffix(".mo"))
            return
        self._compiled = tempfile.TemporaryDirectory(prefix="deskbreak-mo-")
        for po in catalogs:
            relative = po.relative_to(root).with_suffix(".mo")
            mo = Path(self._compiled.name) / relative
            compile_po(po, mo)
            build_data["force_include"][str(mo)] = relative.as_posix()

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        compiled = getattr(self, "_compiled", None)
        if compiled is not None:
            compiled.cleanup()
