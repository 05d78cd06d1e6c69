"""The other machines' records for `stats`, the chart and `history export` (`[sync] folder`): read
from the synced folder, each record once (by id). This machine's own answers come from its history
(the source for them); `--machine NAME` keeps one machine's."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import tzinfo
from pathlib import Path

from ..core import sync
from ..core.config import Config
from ..core.outcomes import PromptOutcome
from ..i18n import _
from ..paths import Paths
from ..store.export import ExportRow
from ..store.sync_folder import MACHINE_ID_FILE, FolderReader


@dataclass(frozen=True)
class Shared:
    """What the folder adds: whether this machine's history counts, and the others' outcomes."""

    own: bool
    outcomes: tuple[PromptOutcome, ...]
    unknown_machine: str | None = None  # `--machine` named no machine: one line for the user


def own_identity(config: Config, paths: Paths) -> tuple[str | None, str]:
    """This machine's id (None before a daemon made one) and name."""
    try:
        machine: str | None = (paths.state_dir / MACHINE_ID_FILE).read_text("utf-8").strip() or None
    except OSError:
        machine = None
    return machine, config.sync.machine_name or socket.gethostname()


def shared_outcomes(config: Config, paths: Paths, machine: str | None) -> Shared:
    """The other machines' outcomes (every one, or `machine`'s), and whether ours count."""
    own_id, own_name = own_identity(config, paths)
    own = machine is None or machine in (own_name, own_id)
    if not config.sync.folder:
        unknown = None if own else _("no machine {name}: [sync] folder is not set").format(name=repr(machine))
        return Shared(own, (), unknown)
    folder = Path(os.path.expanduser(config.sync.folder))
    records = [r for r in FolderReader(folder).read_new().records if r.machine != own_id]
    if machine is not None:
        records = sync.of_machine(records, machine)
        if not records and not own:
            names = sorted({own_name, *(r.machine_name for r in FolderReader(folder).read_new().records)})
            unknown = _("no machine {name} in {folder} (known: {names})").format(
                name=repr(machine), folder=folder, names=", ".join(names)
            )
            return Shared(False, (), unknown)
    outcomes = (sync.as_outcome(r) for r in records)
    return Shared(own, tuple(o for o in outcomes if o is not None))


def export_rows(outcomes: Iterable[PromptOutcome], zone: tzinfo) -> list[ExportRow]:
    """Other machines' outcomes as export rows (local days in the schedule's zone)."""
    return [
        ExportRow(
            o.prompted_at.isoformat(timespec="seconds"),
            o.prompted_at.astimezone(zone).date().isoformat(),
            o.stretch_id,
            o.outcome,
            o.answered_at.isoformat(timespec="seconds") if o.answered_at else None,
            o.held_seconds,
        )
        for o in outcomes
    ]
