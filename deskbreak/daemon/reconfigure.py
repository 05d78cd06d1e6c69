"""Changing the running daemon's config: re-read and apply the file, or keep the last good one and
say why (the log, a notice, `status`); open the file in the user's editor."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..adapters.locale import adopt_language
from ..i18n import N_, _
from ..ports import Notice, NotifierError

if TYPE_CHECKING:
    from .service import Daemon

log = logging.getLogger(__name__)

NO_EDITOR = N_("no editor is set ($VISUAL) and there is no desktop opener")


def config_file_of(daemon: Daemon) -> Path | None:
    """The file the daemon's config comes from: the one it was started with, else its source."""
    if daemon.config_path is not None:
        return daemon.config_path
    return Path(daemon.config.source) if daemon.config.source != "<defaults>" else None


def reload_config(daemon: Daemon, reason: str) -> dict[str, Any]:
    from ..core import config_change
    from ..core.config_checks import ConfigError
    from ..store import config_file

    path = config_file_of(daemon)
    if path is None:
        return {"ok": True, "changed": [], "config": daemon.config.source}
    if not path.exists():
        with daemon._lock:
            if daemon.config.source == "<defaults>":
                daemon.config_error = None
                return {"ok": True, "changed": [], "config": daemon.config.source}
            # Translated now: only a reload changes the language, and each reload sets this line anew.
            daemon.config_error = _(
                "{file}: the file is gone; keeping the last good config until it is back"
            ).format(file=path)
        log.warning(
            "config %s: the file is gone; keeping the last good config until it is back (%s)", path, reason
        )
        return {"ok": False, "error": daemon.config_error, "config": str(path)}
    try:
        new = config_file.load(path)
    except ConfigError as error:
        with daemon._lock:
            daemon.config_error = str(error)
        log.warning("config not applied (%s), keeping the last good one:\n%s", reason, error)
        notify_config_error(daemon, str(error))
        return {"ok": False, "error": str(error), "config": str(path)}
    with daemon._lock:
        now = daemon.now()
        old, before = daemon.config, config_change.upcoming_times(daemon.state, now, daemon.plan)
        daemon.apply_config(new)
        daemon.config_error = None
        after = config_change.upcoming_times(daemon.state, now, daemon.plan)
        lines = config_change.summary(old, new, before, after, daemon.plan.zone, now)
    if new.interface.language != old.interface.language:  # texts shown from now on speak it
        adopt_language(new.interface.language)
    log.info("config reloaded from %s (%s): %s", path, reason, "; ".join(lines))
    return {"ok": True, "changed": lines, "config": str(path)}


def open_editor(daemon: Daemon) -> dict[str, Any]:
    from ..adapters.editor import open_detached

    path = config_file_of(daemon)
    if path is None:
        from ..paths import default_paths

        path = default_paths().config_file

    def cannot_open(why: str) -> None:  # the tray's click has no terminal: a notice says what to do
        notify_no_editor(daemon, path, why)

    try:
        command = open_detached(path, on_failed=cannot_open)
    except OSError as error:
        log.warning("cannot open %s in an editor: %s", path, error)
        cannot_open(str(error))
        return {"ok": False, "error": _("cannot open {path}: {reason}").format(path=path, reason=error)}
    if command is None:
        cannot_open(NO_EDITOR)
        return {
            "ok": False,
            "error": _("no editor found: set $VISUAL, or edit {file} yourself").format(file=path),
        }
    return {"ok": True, "config": str(path)}


def notify_no_editor(daemon: Daemon, path: Path, why: str) -> None:
    """A notice naming the file and the command that edits it in a terminal. `why`: in English for
    the log (a text of our own, or the system's), translated for the notice."""
    log.warning("could not open the config in an editor: %s", why)
    # Translators: {reason} says why no editor opened; `deskbreak config edit` is typed as written.
    text = _("{reason}.\nEdit {file} in any editor, or run in a terminal: deskbreak config edit").format(
        reason=_(why), file=path
    )
    try:
        daemon.ports.notifier.notify(
            Notice(_("deskbreak: no editor for the schedule"), text, daemon.ports.icon_path)
        )
    except NotifierError as error:
        log.warning("could not say so: %s", error)


def notify_config_error(daemon: Daemon, text: str) -> None:
    notice = Notice(_("deskbreak: config not applied"), text, daemon.ports.icon_path)
    try:
        daemon.ports.notifier.notify(notice)
    except NotifierError as error:
        log.warning("could not show the config error: %s", error)
