"""deskbreak in the user's language end to end, with the real `deskbreak run` on real desktops.

Through a pseudo-locale (every extracted text visibly transformed, tests/i18n_pseudo.py) the
notifications dunst is sent (the safety note, a prompt with its buttons) and the tray menu
xfce4-panel hosts over StatusNotifierItem show no English. In German, `stretches`, `--help`,
`status` and a prompt read German (as the shipped German catalog says), while `stretches --json`
keeps the same ids and fields as in English.
"""

from __future__ import annotations

import gettext
import json
import os
import re
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from daemon_run import DaemonRun, private_env, run_cli
from desktop_stack import wait_for
from i18n_pseudo import compile_pseudo_locale, english_left, pseudo_env, set_aside_marks
from sni_client import SniClient

from deskbreak.assets import builtin_catalog
from deskbreak.i18n import DOMAIN, SHIPPED_LOCALE_DIR

pytestmark = pytest.mark.desktop
pytest.importorskip("babel", reason="pip install babel (the test extra) to build the pseudo-locale")

EVERY_DAY = "".join(f'{day} = ["00:00-24:00"]\n' for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun"))
CONFIG = f"[schedule]\n{EVERY_DAY}min_minutes_before_end = 0\n"
CATALOG = builtin_catalog()
# What stays as written in every language: markup the notifier adds, the program's name, stretch ids.
STAYS = re.compile(
    "|".join(
        [
            r"</?\w+[^>]*>",
            r"\bdeskbreak\b",
            rf"\b(?:{'|'.join(sorted(CATALOG.ids(), key=len, reverse=True))})\b",
        ]
    )
)


@pytest.fixture(scope="module")
def pseudo_locale(tmp_path_factory) -> Path:
    return compile_pseudo_locale(tmp_path_factory.mktemp("pseudo-locale"))


def german() -> gettext.GNUTranslations:
    return gettext.translation(DOMAIN, localedir=str(SHIPPED_LOCALE_DIR), languages=["de"])


def english_in(text: str) -> str:
    # A text cut short for a small bubble loses its closing mark with its end: "…" stands for both.
    closed = re.sub(r"…(?=\n|$)", "⟧…", text)
    return english_left(set_aside_marks(closed), STAYS)


class NotifyCalls:
    """`busctl monitor` on the private session bus: every Notify call's summary, body and button labels."""

    def __init__(self, bus_address: str, log: Path) -> None:
        self.log = log
        with open(log, "wb") as out:
            self.proc = subprocess.Popen(
                ["busctl", f"--address={bus_address}", "monitor", "--json=short"],
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        wait_for(lambda: "Monitoring bus message stream" in log.read_text(), "the bus monitor to start")

    def calls(self) -> list[dict]:
        found = []
        for line in self.log.read_text(errors="replace").splitlines():
            if not line.startswith("{"):
                continue
            try:
                message = json.loads(line)
            except json.JSONDecodeError:
                continue  # a line still being written
            if message.get("type") == "method_call" and message.get("member") == "Notify":
                args = message["payload"]["data"]
                found.append({"summary": args[3], "body": args[4], "buttons": args[5][1::2]})
        return found

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(5)


@contextmanager
def daemon_speaking(stack_env: dict[str, str], home: Path, language: dict[str, str], **settings: str):
    (home / "cfg" / "deskbreak").mkdir(parents=True, exist_ok=True)
    (home / "cfg" / "deskbreak" / "config.toml").write_text(CONFIG)
    env = private_env(stack_env, home, {"DESKBREAK_IDLE_PROBE": "none", **settings})
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        env.pop(name, None)
    env.update(language)
    daemon = DaemonRun(env, home / "daemon.log", verbose=True).start()
    try:
        daemon.wait_answering()
        yield daemon
    finally:
        daemon.cli("quit")
        daemon.stop()


@contextmanager
def notify_calls(bus_address: str, home: Path) -> Iterator[NotifyCalls]:
    monitor = NotifyCalls(bus_address, home / "bus.json")
    try:
        yield monitor
    finally:
        monitor.stop()


def safety_note_then_a_prompt(daemon: DaemonRun, monitor: NotifyCalls) -> list[dict]:
    wait_for(lambda: monitor.calls(), "the safety note (a first run)")
    assert daemon.cli("now").returncode == 0
    wait_for(lambda: any(call["buttons"] for call in monitor.calls()), "the prompt with its buttons")
    return monitor.calls()


def test_notifications_through_the_pseudo_locale_show_no_english(desktop, pseudo_locale, tmp_path):
    desktop.dunstctl("close-all")
    language = pseudo_env(pseudo_locale, {})
    with (
        notify_calls(desktop.bus_address, tmp_path) as monitor,
        daemon_speaking(
            desktop.env, tmp_path, language, DESKBREAK_TRAY="headless", DESKBREAK_NOTIFIER="freedesktop"
        ) as daemon,
    ):
        calls = safety_note_then_a_prompt(daemon, monitor)
    shown = [text for call in calls for text in (call["summary"], call["body"], *call["buttons"])]
    assert len(shown) >= 6  # the note's title and text; the prompt's title, body and three buttons
    assert [text for text in shown if english_in(text)] == []
    desktop.dunstctl("close-all")


def test_the_tray_menu_through_the_pseudo_locale_shows_no_english(xfce, pseudo_locale, tmp_path):
    xfce.ensure_host()
    language = pseudo_env(pseudo_locale, {})
    with daemon_speaking(xfce.env, tmp_path, language, DESKBREAK_NOTIFIER="log") as daemon:
        mine = f"StatusNotifierItem-{daemon.proc.pid}-"
        service = wait_for(
            lambda: [s for s in xfce.watcher_items() if mine in s], "the item to be registered"
        )[0]
        client = SniClient(xfce.bus_address, service)
        try:
            labels = list(client.items())
            props = client.props()
        finally:
            client.close()
    assert len(labels) >= 15  # every action, the snooze and pause choices, today's line
    assert [label for label in labels if english_in(label.replace("_", ""))] == []
    assert not english_in(props["ToolTip"][1][2]) and not english_in(props["Title"][1])


def german_env(home: Path) -> dict[str, str]:
    env = private_env(dict(os.environ), home)
    for name in ("LC_ALL", "LC_MESSAGES", "LANG", "DESKBREAK_LOCALEDIR"):
        env.pop(name, None)
    return {**env, "LANGUAGE": "de", "PYTHONIOENCODING": "utf-8"}


def test_stretches_and_help_read_german_with_the_same_ids(tmp_path):
    de, env = german(), german_env(tmp_path)
    listed = run_cli(env, "stretches")
    assert listed.returncode == 0, listed.stderr
    for stretch in CATALOG.stretches:
        assert de.gettext(stretch.name) != stretch.name, f"{stretch.name!r} has no German"
        assert de.gettext(stretch.name) in listed.stdout and stretch.id in listed.stdout
    helped = run_cli(env, "--help")
    assert helped.returncode == 0
    assert de.gettext("usage: ") in helped.stdout and "usage: " not in helped.stdout
    english = run_cli({**env, "LANGUAGE": "en"}, "stretches", "--json")
    german_json = run_cli(env, "stretches", "--json")
    ids = [[item["id"] for item in json.loads(out.stdout)] for out in (english, german_json)]
    assert ids[0] == ids[1] == list(CATALOG.ids())
    assert [sorted(item) for item in json.loads(english.stdout)] == [
        sorted(item) for item in json.loads(german_json.stdout)
    ]


def test_status_and_a_prompt_read_german(desktop, tmp_path):
    de = german()
    desktop.dunstctl("close-all")
    with (
        notify_calls(desktop.bus_address, tmp_path) as monitor,
        daemon_speaking(
            desktop.env,
            tmp_path,
            {"LANGUAGE": "de"},
            DESKBREAK_TRAY="headless",
            DESKBREAK_NOTIFIER="freedesktop",
        ) as daemon,
    ):
        calls = safety_note_then_a_prompt(daemon, monitor)
        status = daemon.cli("status")
        state = json.loads(daemon.cli("status", "--json").stdout)
    assert status.returncode == 0
    assert state["stretch"]["id"] in CATALOG.ids()  # JSON keeps ids and fields in English
    stretch = CATALOG.get(state["stretch"]["id"])
    prompt = next(call for call in calls if call["buttons"])
    assert de.gettext(stretch.name) in prompt["summary"] + prompt["body"]
    assert stretch.name not in prompt["summary"] + prompt["body"]
    assert {de.gettext("Done"), de.gettext("Skip")} <= set(prompt["buttons"])
    assert not {"Done", "Skip"} & set(prompt["buttons"])
    note = calls[0]
    assert note["summary"] == de.gettext("Stretch safely") != "Stretch safely"
    assert de.gettext(stretch.name) in status.stdout
