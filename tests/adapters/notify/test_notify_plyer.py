"""PlyerNotifier with the OS calls faked: notify-send (subprocess) and plyer's notification.notify."""

from __future__ import annotations

import subprocess

import pytest

from deskbreak.adapters.notify import portable as notify_plyer
from deskbreak.adapters.notify.portable import PlyerNotifier, route
from deskbreak.ports import NotifierError, Prompt

PROMPT = Prompt("wall-slide", "Wall slide", "Back to the wall, slide down a little & up.", 5)

pytestmark = pytest.mark.filterwarnings("ignore:The Python dbus package is not installed")


@pytest.fixture
def have(monkeypatch):
    """Which programs and modules exist: have(notify_send=True, dbus=False, pyobjus=False)."""

    def set_(notify_send: bool = True, dbus: bool = False, pyobjus: bool = False) -> None:
        monkeypatch.setattr(
            notify_plyer.shutil,
            "which",
            lambda prog: f"/usr/bin/{prog}" if notify_send and prog == "notify-send" else None,
        )
        modules = {"dbus": dbus, "pyobjus": pyobjus}
        monkeypatch.setattr(
            notify_plyer.importlib.util, "find_spec", lambda name, *a: object() if modules.get(name) else None
        )

    set_()
    return set_


@pytest.fixture
def runs(monkeypatch):
    """Fake subprocess.run: records argv; `runs.result` is what the next call returns or raises."""

    class Runs(list):
        result: object = subprocess.CompletedProcess([], 0, "", "")

    calls = Runs()

    def fake_run(argv, **kw):
        calls.append((argv, kw))
        if isinstance(calls.result, BaseException):
            raise calls.result
        return calls.result

    monkeypatch.setattr(notify_plyer.subprocess, "run", fake_run)
    return calls


@pytest.fixture
def plyer_calls(monkeypatch):
    """Fake plyer.notification.notify: records its keyword arguments."""
    import plyer

    calls: list[dict] = []
    monkeypatch.setattr(plyer.notification, "notify", lambda **kw: calls.append(kw))
    return calls


def test_routes(have):
    assert route("linux") == "notify-send"
    have(notify_send=False, dbus=True)
    assert route("linux") == "dbus-python"
    have(notify_send=False, dbus=False)
    assert route("linux") is None
    assert route("win32") == "plyer"
    assert route("darwin") is None
    have(pyobjus=True)
    assert route("darwin") == "plyer"
    assert PlyerNotifier.probe("darwin") == "plyer"


def test_linux_calls_notify_send_itself(have, runs, plyer_calls):
    PlyerNotifier("/icons/deskbreak.png", platform="linux").show(PROMPT)
    [(argv, kw)] = runs
    assert argv[0] == "notify-send"
    assert "--app-name=deskbreak" in argv
    assert "--icon=/icons/deskbreak.png" in argv  # plyer would drop it
    assert not any(a.startswith("--expire-time") for a in argv)  # the server's default, not "never"
    assert argv[-3:] == ["--", "Wall slide", "Back to the wall, slide down a little &amp; up."]
    assert kw["timeout"] > 0 and kw["capture_output"]
    assert plyer_calls == []  # never plyer's portal or notify-send path


def test_linux_prompt_timeout_and_stretch_picture(have, runs):
    prompt = Prompt("x", "Quad stretch", "Hold a support.", 5, icon_path="/pics/quad.png", timeout_seconds=45)
    PlyerNotifier("/icons/deskbreak.png", platform="linux").show(prompt)
    [(argv, _)] = runs
    assert "--expire-time=45000" in argv
    assert "--icon=/pics/quad.png" in argv


def test_notify_send_failure_is_a_notifier_error(have, runs):
    runs.result = subprocess.CompletedProcess(
        [], 1, "", "GDBus.Error:org.freedesktop.DBus.Error.ServiceUnknown: x\n"
    )
    with pytest.raises(NotifierError, match=r"notify-send failed \(exit 1\): GDBus.Error"):
        PlyerNotifier(platform="linux").show(PROMPT)


def test_notify_send_that_hangs_is_a_notifier_error(have, runs):
    runs.result = subprocess.TimeoutExpired("notify-send", 10)
    with pytest.raises(NotifierError, match="did not finish"):
        PlyerNotifier(platform="linux").show(PROMPT)


def test_linux_without_any_route(have, runs):
    have(notify_send=False, dbus=False)
    with pytest.raises(NotifierError, match="no plain notification route"):
        PlyerNotifier(platform="linux").show(PROMPT)
    assert runs == []


def test_linux_dbus_python_route_uses_plyers_dbus_class(have, monkeypatch):
    from plyer.platforms.linux.notification import NotifyDbus

    have(notify_send=False, dbus=True)
    calls: list[dict] = []
    monkeypatch.setattr(NotifyDbus, "_notify", lambda self, **kw: calls.append(kw))
    PlyerNotifier("/icons/deskbreak.png", platform="linux").show(PROMPT)
    [kw] = calls
    assert kw["app_name"] == "deskbreak" and kw["app_icon"] == "/icons/deskbreak.png"
    assert kw["timeout"] == notify_plyer.DEFAULT_TIMEOUT_SECONDS  # plyer's 0 would never expire


def test_windows_goes_through_plyer_with_an_ico_only(have, runs, plyer_calls):
    PlyerNotifier("/icons/deskbreak.png", platform="win32").show(PROMPT)
    PlyerNotifier("C:/icons/deskbreak.ico", platform="win32").show(PROMPT)
    assert [c["app_icon"] for c in plyer_calls] == ["", "C:/icons/deskbreak.ico"]
    assert plyer_calls[0] == {
        "title": "Wall slide",
        "message": "Back to the wall, slide down a little & up.",
        "app_name": "deskbreak",
        "app_icon": "",
        "timeout": notify_plyer.DEFAULT_TIMEOUT_SECONDS,
    }
    assert runs == []


@pytest.mark.parametrize(
    ("error", "message"),
    [
        (NotImplementedError("No usable implementation found!"), "no notification backend"),
        (OSError("balloon"), r"plyer \(plyer\) failed: OSError: balloon"),
    ],
)
def test_plyer_errors_become_notifier_errors(have, monkeypatch, error, message):
    import plyer

    def broken(**kw):
        raise error

    have(pyobjus=True)
    monkeypatch.setattr(plyer.notification, "notify", broken)
    with pytest.raises(NotifierError, match=message):
        PlyerNotifier(platform="darwin").show(PROMPT)


def test_macos_without_pyobjus(have, plyer_calls):
    with pytest.raises(NotifierError, match="no plain notification route on darwin"):
        PlyerNotifier(platform="darwin").show(PROMPT)
    assert plyer_calls == []


def test_port_shape():
    n = PlyerNotifier()
    assert n.name == "plyer" and n.has_actions is False
    n.withdraw()
    n.close()
