"""`deskbreak doctor`'s checks of the session: the tray, notifications, the idle probe and the guided
window as the running daemon uses them, and the daemon itself.

A running daemon is asked (`facts` over the control socket): it reports the choices its composition
root kept and whether a window can open in its own environment, which may differ from this shell's.
With no daemon answering, the very same choosers (`pick_*`) run here and their facts are built the
same way (daemon/facts.py): a prediction of what a daemon started from this shell would use.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..control_client import ControlClient, ControlError, NotRunning
from ..daemon.facts import SessionChoices
from ..i18n import N_, _
from ..paths import Paths
from . import doctor_fixes as fixes
from .doctor_check import Check, first_line

DAEMON, PREDICTED = "daemon", "predicted"


@dataclass(frozen=True)
class Session:
    """The facts doctor reports and where they come from; `status` and `problem` describe the daemon
    (its status when it answered; else why none did: "" for not running, or an error line)."""

    source: str
    facts: Mapping[str, Any]
    status: Mapping[str, Any] = field(default_factory=dict)
    problem: str = ""

    def note(self, detail: str) -> str:
        """`detail` marked with its source: [daemon] what it uses, [predicted] what it would use here."""
        if self.source == DAEMON:
            return _("[daemon] {detail}").format(detail=detail)
        return _("[predicted] {detail}").format(detail=detail)


def find_session(paths: Paths, environ: Mapping[str, str] = os.environ) -> Session:
    """The running daemon's facts, else a prediction from the choosers run in this process."""
    try:
        reply = ControlClient(paths.socket_file).request("facts", timeout=3.0)
    except NotRunning:
        return Session(PREDICTED, predict(environ))
    except ControlError as error:
        return Session(PREDICTED, predict(environ), problem=str(error))
    if not isinstance(reply.get("facts"), dict):  # a daemon from before `facts`
        said = reply["error"] if "error" in reply else _("no facts")
        why = _("it does not say what it uses ({error}): restart it").format(error=said)
        return Session(PREDICTED, predict(environ), problem=why)
    return Session(DAEMON, reply["facts"], reply)


def predict(environ: Mapping[str, str] = os.environ) -> dict[str, Any]:
    """What a daemon started here would use: its choosers, run now, then closed again."""
    from ..adapters.activity import pick_activity_probe
    from ..adapters.notify import pick_notifier
    from ..adapters.sleep import pick_sleep_watcher
    from ..adapters.tray import pick_tray
    from ..daemon.parts import icon_path

    notifications = pick_notifier(lambda action, arg: None, icon_path(), environ)
    tray = pick_tray(lambda name, arg: None, environ)
    idle_probe = pick_activity_probe(environ)
    resume = pick_sleep_watcher(lambda: None, environ=environ)
    chain = notifications.adapter
    try:
        return SessionChoices(notifications, tray, idle_probe, resume, lambda: chain.name, environ).facts()
    finally:
        for close in (chain.close, tray.adapter.stop, idle_probe.adapter.close):
            with contextlib.suppress(Exception):  # a half-built backend must not hide the report
                close()
        if resume.adapter is not None:
            with contextlib.suppress(Exception):
                resume.adapter.stop()


def _with_failures(detail: str, port: Mapping[str, Any]) -> str:
    """`detail`, then the candidates that failed before the one in use and why."""
    failed = port.get("failures") or []
    if not failed:
        return detail
    # The reasons come in English (the fixes and the log read them); a known one is shown translated.
    failures = ", ".join(f["name"] + ": " + _(f["why"]) for f in failed)
    return _("{detail}; not {failures}").format(detail=detail, failures=failures)


def check_tray(session: Session) -> Check:
    tray, where = session.facts["tray"], session.facts["environment"]
    name, forced = tray["name"], tray["forced"]
    how = f" ({forced})" if forced else ""
    if name == "headless":
        detail = _("{backend}: no tray icon, prompts go to notifications, the terminal and the log").format(
            backend=f"headless{how}"
        )
        return Check(
            N_("tray"),
            False,
            session.note(_with_failures(detail, tray)),
            fixes.tray_fix(tray, where),
            source=session.source,
        )
    if name == "sni":
        detail = _("StatusNotifierItem host on the session bus (watcher {host}){forced}: full menu").format(
            host=tray["host"], forced=how
        )
    elif tray["has_menu"]:
        detail = _("{backend}, menu: yes").format(backend=f"{name}{how}")
    else:
        detail = _("{backend}, menu: no").format(backend=f"{name}{how}")
    return Check(
        "tray",
        bool(tray["has_menu"]),
        session.note(detail),
        fixes.tray_fix(tray, where),
        source=session.source,
    )


def check_notifications(session: Session, send_test: bool = False) -> Check:
    from ..adapters.notify.server import server_info

    notes, where = session.facts["notifications"], session.facts["environment"]
    in_use, chain, source = notes["in_use"], notes["name"], session.source
    how = f" ({notes['forced']})" if notes["forced"] else ""
    fix = fixes.notifications_fix(notes, where)
    detail = _("{backend}, of {chain}").format(backend=f"{in_use}{how}", chain=chain)
    if in_use == "freedesktop":
        # The chain keeps D-Bus first even when no server answers yet (autostart may beat the
        # desktop's notification daemon): ask the server on the daemon's bus now.
        server = server_info(where["bus"] or None)
        if server is None:
            # Translators: stands for the session bus's address when there is none.
            bus = where["bus"] or _("none")
            why = _("no notification server answers on the session bus ({bus})").format(bus=bus)
            return Check(
                N_("notifications"),
                False,
                session.note(why),
                fixes.notifications_fix({}, where),
                source=source,
            )
        detail = _("{backend}, of {chain}, server {server}").format(
            backend=f"{in_use}{how}", chain=chain, server=server.describe()
        )
    elif in_use == "log":
        detail = _with_failures(_("only the terminal and the log{forced}").format(forced=how), notes)
    else:
        detail = _with_failures(detail, notes)
    detail = session.note(detail)
    if send_test:
        detail += "; " + send_test_notice()
    return Check(N_("notifications"), in_use != "log", detail, fix, source=source)


def send_test_notice(environ: Mapping[str, str] = os.environ) -> str:
    """A test notice from this process, through the notifier its chooser picks here."""
    from ..adapters.notify import pick_notifier
    from ..daemon.parts import icon_path
    from ..ports import Notice, NotifierError

    icon = icon_path()
    chain = pick_notifier(lambda action, arg: None, icon, environ).adapter
    try:
        chain.notify(Notice(_("deskbreak: test"), _("If you can read this, prompts reach you."), icon, 10))
        return _("test notice sent from here through {notifier}").format(notifier=chain.name)
    except NotifierError as error:
        return _("the test notice could not be sent: {error}").format(error=first_line(error))
    finally:
        chain.close()


def check_idle_probe(session: Session) -> Check:
    probe, where = session.facts["idle_probe"], session.facts["environment"]
    if probe["name"] == "none":
        reason = probe["reason"] or probe["forced"]
        detail = _("{backend}: timing by the clock").format(
            backend=f"none ({_(reason)})" if reason else "none"
        )
        return Check(
            N_("idle probe"),
            False,
            session.note(detail),
            fixes.idle_probe_fix(probe, where),
            source=session.source,
        )
    protocol = f" ({probe['protocol']})" if probe["protocol"] else ""
    return Check(N_("idle probe"), True, session.note(f"{probe['name']}{protocol}"), source=session.source)


def check_window(session: Session) -> Check:
    window, where = session.facts["guided_window"], session.facts["environment"]
    if window["can_open"]:
        if where["display"]:
            detail = _("can open on DISPLAY={display}").format(display=where["display"])
        else:
            detail = _("can open")
        return Check(N_("guided window"), True, session.note(detail), source=session.source)
    why = window["why_not"]
    return Check(
        N_("guided window"),
        False,
        session.note(_("cannot open: {why}").format(why=_(why))),
        fixes.window_fix(why),
        source=session.source,
    )


def check_daemon(session: Session) -> Check:
    if session.source != DAEMON:
        if session.problem:
            return Check(N_("daemon"), False, session.problem, _("deskbreak quit, then start it again"))
        return Check(
            N_("daemon"), False, _("not running"), _("start it: deskbreak (or deskbreak autostart enable)")
        )
    status = session.status
    if status.get("config_error"):
        return Check(
            N_("daemon"),
            False,
            _("running, but the config was not applied: {error}").format(
                error=str(status["config_error"]).splitlines()[0]
            ),
            "deskbreak config edit",
        )
    return Check(
        N_("daemon"),
        True,
        _("running: {status}").format(status=status.get("headline") or status.get("state", "?")),
    )
