"""Options several commands share, written once: the same words in every command's --help."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..i18n import _


def add_config_option(parser: argparse.ArgumentParser) -> None:
    """`--config PATH`: the config file a command reads instead of the default one."""
    parser.add_argument(
        "--config", type=Path, metavar="FILE", help=_("config file (default: the platform's config dir)")
    )
