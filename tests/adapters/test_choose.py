"""The ports' one chooser: each port's Choice names what it chose and why not the others."""

from __future__ import annotations

import logging

import pytest

from deskbreak.adapters import choose
from deskbreak.adapters.activity import pick_activity_probe
from deskbreak.adapters.notify import freedesktop as notify_freedesktop
from deskbreak.adapters.notify import pick_notifier
from deskbreak.adapters.notify import portable as notify_plyer
from deskbreak.adapters.sleep import pick_sleep_watcher

log = logging.getLogger(__name__)


def test_first_that_works_lists_every_failure_before_it():
    def build(name: str) -> str:
        if name == "a":
            raise choose.Unavailable("no display")
        if name == "b":
            raise ImportError("no module named b\nand a second line")
        return name.upper()

    assert choose.first_that_works(["a", "b", "c", "d"], build, log) == (
        "c",
        "C",
        (choose.Failure("a", "no display"), choose.Failure("b", "ImportError: no module named b")),
    )
    name, adapter, failures = choose.first_that_works(["a", "b"], build, log)
    assert (name, adapter, [str(f) for f in failures]) == (
        "",
        None,
        ["a: no display", "b: ImportError: no module named b"],
    )


def test_the_override_is_lower_cased_and_an_unknown_one_ignored(caplog):
    assert choose.override({"X": " Sni "}, "X", ("sni", "pystray"), log) == "sni"
    assert choose.override({"X": "kde"}, "X", ("sni", "pystray"), log) == ""
    assert "X=kde is not one of sni, pystray: choosing automatically" in caplog.text


def test_describe_says_what_was_chosen_how_and_why_not_the_others():
    choice = choose.Choice(
        "tray", "headless", object(), "DESKBREAK_TRAY=sni", (choose.Failure("sni", "no session bus"),)
    )
    assert choice.describe() == "tray: headless (DESKBREAK_TRAY=sni); not: sni: no session bus"


@pytest.fixture
def no_routes(monkeypatch):
    monkeypatch.setattr(notify_freedesktop.FreedesktopNotifier, "probe", staticmethod(lambda *a, **k: None))
    monkeypatch.setattr(notify_plyer.PlyerNotifier, "probe", staticmethod(lambda *a, **k: None))


def test_the_notifier_choice_lists_the_notifiers_left_out(no_routes, tmp_path):
    choice = pick_notifier(
        lambda action, arg: None, None, {"XDG_RUNTIME_DIR": str(tmp_path)}, platform="linux"
    )
    assert choice.name == "log" and [n.name for n in choice.adapter.chain] == ["log"]
    assert [str(f) for f in choice.failures] == [
        "freedesktop: no session bus",
        "plyer: no route (no portal, dbus-python or notify-send)",
    ]
    forced = pick_notifier(
        lambda action, arg: None, None, {"DESKBREAK_NOTIFIER": "plyer"}, platform="linux"
    )  # forced: built even without a route, the log behind it
    assert (forced.name, forced.forced, forced.failures) == ("plyer -> log", "DESKBREAK_NOTIFIER=plyer", ())


def test_the_notifier_finds_the_bus_in_the_runtime_dir(no_routes, tmp_path):
    (tmp_path / "bus").touch()
    choice = pick_notifier(
        lambda action, arg: None, None, {"XDG_RUNTIME_DIR": str(tmp_path)}, platform="linux"
    )
    assert choice.name == "freedesktop -> log"
    assert choice.adapter.chain[0]._bus == f"unix:path={tmp_path}/bus"


def test_the_idle_probe_choice_names_the_probe_and_the_failures():
    def factory(name: str):
        def build(environ):
            raise OSError(f"{name} does not work here")

        return build

    choice = pick_activity_probe(
        {}, "linux", {name: factory(name) for name in ("gnome", "freedesktop", "logind")}
    )
    assert choice.name == choice.adapter.name == "none"
    assert [f.name for f in choice.failures] == ["gnome", "freedesktop", "logind"]


def test_no_resume_watcher_off_linux_or_without_a_system_bus(tmp_path):
    assert pick_sleep_watcher(lambda: None, "darwin").adapter is None
    choice = pick_sleep_watcher(
        lambda: None, "linux", {"DBUS_SYSTEM_BUS_ADDRESS": f"unix:path={tmp_path}/nothing-here"}
    )
    assert choice.adapter is None and [f.name for f in choice.failures] == ["logind"]
    assert "cannot connect to the D-Bus" in choice.failures[0].why
