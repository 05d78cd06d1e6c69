"""The CLI's language, set before its parser is built (help texts are translated as they are
added): the one adapters/locale/configured.py picks, with argparse's own texts ("usage:", its
errors) routed through our catalog too.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from .. import i18n

# `status` prints what the daemon rendered, in the daemon's language; a status bar runs it every few
# seconds, so it reads no config.
SKIPPED_COMMANDS = frozenset({"status"})


def route_argparse_texts() -> None:
    """argparse translates with `gettext.gettext` (the default domain, the environment's language);
    its module-level names are looked up at each call, so pointing them at ours makes its texts
    follow our catalog and the chosen language."""
    argparse._ = i18n._  # type: ignore[attr-defined]  # argparse's private alias of gettext.gettext
    argparse.ngettext = i18n.ngettext  # type: ignore[attr-defined]  # likewise for its plurals


def set_command_language(argv: Sequence[str]) -> None:
    # A one-shot status prints what the daemon rendered in its language; `--follow` formats here.
    if argv and argv[0] in SKIPPED_COMMANDS and "--follow" not in argv:
        route_argparse_texts()  # `status --help` and usage errors: argparse's words in the language too
        return
    # Imported here: `status` loads neither the adapters nor where files live.
    from ..adapters.locale.configured import adopt_command_language

    adopt_command_language(argv)
    route_argparse_texts()
