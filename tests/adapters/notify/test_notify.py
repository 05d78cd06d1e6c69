"""choose_notifier's chain and override, and FallbackNotifier's fall-back, logging and recovery."""

from __future__ import annotations

import io
import logging

import pytest

from deskbreak.adapters.notify import choose_notifier
from deskbreak.adapters.notify import freedesktop as notify_freedesktop
from deskbreak.adapters.notify import portable as notify_plyer
from deskbreak.adapters.notify.chain import FallbackNotifier
from deskbreak.adapters.notify.terminal import LogNotifier
from deskbreak.ports import Notice, NotifierError, Prompt

PROMPT = Prompt("side-stretch", "Standing side stretch", "Reach up and lean.\nHold 15 s, 2 a side.", 10)
BUS = {"DBUS_SESSION_BUS_ADDRESS": "unix:path=/run/user/1000/bus"}


class FakeNotifier:
    def __init__(self, name: str, has_actions: bool = False) -> None:
        self.name = name
        self.has_actions = has_actions
        self.failing: BaseException | None = None
        self.shown: list[str] = []
        self.withdrawn = 0
        self.closed = False

    def show(self, prompt: Prompt) -> None:
        if self.failing is not None:
            raise self.failing
        self.shown.append(prompt.stretch_id)

    def notify(self, notice: Notice) -> None:
        if self.failing is not None:
            raise self.failing
        self.shown.append(f"notice: {notice.title}")

    def withdraw(self) -> None:
        self.withdrawn += 1

    def close(self) -> None:
        self.closed = True


@pytest.fixture
def routes(monkeypatch):
    """What the machine offers: routes(server="dunst 1.9.0", plyer="notify-send")."""

    def set_(server: str | None = "dunst 1.9.0", plyer: str | None = "notify-send") -> None:
        monkeypatch.setattr(
            notify_freedesktop.FreedesktopNotifier, "probe", staticmethod(lambda *a, **k: server)
        )
        monkeypatch.setattr(notify_freedesktop.FreedesktopNotifier, "connect", lambda self: None)
        monkeypatch.setattr(notify_plyer.PlyerNotifier, "probe", staticmethod(lambda *a, **k: plyer))

    set_()
    return set_


def names(chain: FallbackNotifier) -> list[str]:
    return [n.name for n in chain.chain]


def ignore(action, arg):
    pass


def test_chain_order_on_a_linux_desktop(routes, caplog):
    with caplog.at_level(logging.INFO, logger="deskbreak.adapters.notify"):
        chain = choose_notifier(ignore, "/icons/deskbreak.png", BUS, platform="linux")
    assert names(chain) == ["freedesktop", "plyer", "log"]
    assert chain.name == "freedesktop"
    [record] = caplog.records
    assert record.getMessage() == (
        "notifications (automatic): freedesktop (dunst 1.9.0) -> plyer (notify-send) -> log (stderr)"
    )


def test_a_bus_without_a_server_yet_keeps_freedesktop_first(routes, caplog):
    routes(server=None)
    with caplog.at_level(logging.INFO, logger="deskbreak.adapters.notify"):
        chain = choose_notifier(ignore, None, BUS, platform="linux")
    assert names(chain) == ["freedesktop", "plyer", "log"]
    assert "freedesktop (no server answering yet)" in caplog.text


@pytest.mark.parametrize(
    ("environ", "platform", "plyer", "expected"),
    [
        ({}, "linux", "notify-send", ["plyer", "log"]),  # no session bus
        ({}, "linux", None, ["log"]),
        (BUS, "win32", "plyer", ["plyer", "log"]),  # D-Bus is for Linux/BSD desktops
        (BUS, "darwin", None, ["log"]),
    ],
)
def test_chain_without_freedesktop(routes, environ, platform, plyer, expected):
    routes(plyer=plyer)
    assert names(choose_notifier(ignore, None, environ, platform=platform)) == expected


@pytest.mark.parametrize(
    ("override", "expected"),
    [("log", ["log"]), ("plyer", ["plyer", "log"]), ("FreeDesktop", ["freedesktop", "log"])],
)
def test_override(routes, override, expected):
    routes(server=None, plyer=None)  # the override wins even where probes fail
    environ = {**BUS, "DESKBREAK_NOTIFIER": override}
    chain = choose_notifier(ignore, None, environ, platform="linux")
    assert names(chain) == expected


def test_unknown_override_is_reported_and_ignored(routes, caplog):
    chain = choose_notifier(ignore, None, {**BUS, "DESKBREAK_NOTIFIER": "growl"}, platform="linux")
    assert names(chain) == ["freedesktop", "plyer", "log"]
    assert "DESKBREAK_NOTIFIER=growl is not one of freedesktop, plyer, log" in caplog.text


def test_fallback_for_the_prompt_logged_once_and_recovery(caplog):
    dbus, plyer, log_ = FakeNotifier("freedesktop", True), FakeNotifier("plyer"), FakeNotifier("log")
    chain = FallbackNotifier([dbus, plyer, log_])
    assert chain.has_actions

    dbus.failing = NotifierError("no notification server on the D-Bus session bus")
    with caplog.at_level(logging.INFO, logger="deskbreak.adapters.notify"):
        for _ in range(3):
            chain.show(PROMPT)
    assert plyer.shown == ["side-stretch"] * 3
    assert (chain.name, chain.has_actions) == ("plyer", False)
    [warning] = caplog.records
    assert warning.levelno == logging.WARNING
    assert warning.getMessage() == (
        "notifications: freedesktop: no notification server on the D-Bus session bus; "
        "using plyer until it works again"
    )

    caplog.clear()
    plyer.failing = NotifierError("notify-send failed (exit 1)")
    with caplog.at_level(logging.INFO, logger="deskbreak.adapters.notify"):
        chain.show(PROMPT)
        chain.show(PROMPT)
    assert log_.shown == ["side-stretch"] * 2 and chain.name == "log"
    assert len(caplog.records) == 1

    caplog.clear()
    dbus.failing = None
    with caplog.at_level(logging.INFO, logger="deskbreak.adapters.notify"):
        chain.show(PROMPT)
    assert dbus.shown == ["side-stretch"] and (chain.name, chain.has_actions) == ("freedesktop", True)
    assert [r.getMessage() for r in caplog.records] == ["notifications: freedesktop works again"]


def test_withdraw_and_close_reach_the_right_notifiers():
    dbus, log_ = FakeNotifier("freedesktop", True), FakeNotifier("log")
    chain = FallbackNotifier([dbus, log_])
    chain.show(PROMPT)
    chain.withdraw()
    assert (dbus.withdrawn, log_.withdrawn) == (1, 0)
    dbus.failing = NotifierError("gone")
    chain.show(PROMPT)
    assert dbus.withdrawn == 2  # the switch takes the old route's prompt down (if it can)
    chain.withdraw()
    assert log_.withdrawn == 1
    chain.close()
    assert dbus.closed and log_.closed


def test_an_adapter_bug_falls_back_too():
    broken, log_ = FakeNotifier("freedesktop"), FakeNotifier("log")
    broken.failing = KeyError("oops")
    chain = FallbackNotifier([broken, log_])
    chain.show(PROMPT)
    assert log_.shown == ["side-stretch"]


def test_all_failing_raises_one_notifier_error():
    a, b = FakeNotifier("freedesktop"), FakeNotifier("plyer")
    a.failing, b.failing = NotifierError("no server"), NotifierError("no route")
    with pytest.raises(NotifierError, match=r"freedesktop: no server; plyer: no route"):
        FallbackNotifier([a, b]).show(PROMPT)


def test_log_notifier_writes_the_prompt_and_never_fails(caplog):
    out = io.StringIO()
    with caplog.at_level(logging.INFO, logger="deskbreak.adapters.notify.terminal"):
        LogNotifier(out).show(PROMPT)
    assert "Standing side stretch" in out.getvalue() and "Hold 15 s, 2 a side." in out.getvalue()
    assert "stretch time: Standing side stretch" in caplog.text
    closed = io.StringIO()
    closed.close()
    LogNotifier(closed).show(PROMPT)  # no exception


@pytest.mark.desktop
def test_real_chain_falls_back_while_dunst_is_away(desktop, caplog, capsys):
    """freedesktop -> plyer (real notify-send) -> log, against dunst on the private bus."""
    got = []
    desktop.dunstctl("close-all")
    chain = choose_notifier(lambda a, arg: got.append((a, arg)), None, desktop.env, platform="linux")
    try:
        assert names(chain) == ["freedesktop", "plyer", "log"]
        chain.show(PROMPT)
        assert (chain.name, chain.has_actions) == ("freedesktop", True)
        try:
            desktop.kill_dunst()
            with caplog.at_level(logging.INFO, logger="deskbreak.adapters.notify"):
                chain.show(PROMPT)
            # notify-send on a bus without a server fails too (no D-Bus activation there): the log.
            assert (chain.name, chain.has_actions) == ("log", False)
            assert "Standing side stretch" in capsys.readouterr().err
            assert "using log until it works again" in caplog.text
        finally:
            desktop.restart_dunst()
        chain.show(PROMPT)
        assert (chain.name, chain.has_actions) == ("freedesktop", True)
        assert desktop.dunst_displayed() == 1
    finally:
        chain.close()


@pytest.mark.desktop
def test_plyer_route_reaches_dunst_through_notify_send(desktop):
    desktop.dunstctl("close-all")
    environ = {**desktop.env, "DESKBREAK_NOTIFIER": "plyer"}
    chain = choose_notifier(ignore, "/icons/deskbreak.png", environ, platform="linux")
    chain.show(PROMPT)
    assert chain.name == "plyer"
    newest = desktop.dunst_history()[0]
    assert (newest["appname"], newest["summary"]) == ("deskbreak", "Standing side stretch")
    assert newest["icon_path"] == "/icons/deskbreak.png"


def test_a_notice_takes_the_first_notifier_that_works_and_never_withdraws_the_prompt():
    dbus, plyer = FakeNotifier("freedesktop", True), FakeNotifier("plyer")
    chain = FallbackNotifier([dbus, plyer])
    dbus.failing = NotifierError("no notification server on the D-Bus session bus")
    chain.notify(Notice("deskbreak: config not applied", "line 3: ..."))
    assert plyer.shown == ["notice: deskbreak: config not applied"] and dbus.shown == []
    plyer.failing = NotifierError("notify-send failed (exit 1)")
    with pytest.raises(NotifierError, match="no notifier could show the notice"):
        chain.notify(Notice("Stretch safely", "..."))
