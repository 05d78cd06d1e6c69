"""The activity probe picker, and each platform probe with its OS calls faked."""

from __future__ import annotations

import ctypes
import logging
import sys
from collections.abc import Mapping

import pytest
from jeepney import new_error, new_method_return
from jeepney.low_level import HeaderFields, MessageFlag

from deskbreak.adapters import activity
from deskbreak.adapters.activity import choose_activity_probe
from deskbreak.adapters.activity.base import ActivitySample, NullProbe
from deskbreak.adapters.activity.dbus import DesktopBus, FreedesktopIdleProbe, GnomeIdleProbe
from deskbreak.adapters.activity.fake import FakeActivityProbe
from deskbreak.adapters.activity.macos import ANY_INPUT_EVENT, COMBINED_SESSION_STATE, MacIdleProbe
from deskbreak.adapters.activity.windows import WindowsIdleProbe


# -- the picker ------------------------------------------------------------------------------------
class Named:
    def __init__(self, name: str) -> None:
        self.name = name

    def sample(self) -> ActivitySample:
        return activity.UNKNOWN

    def close(self) -> None:
        pass


def factories(working: set[str], tried: list[str]) -> dict:
    def make(name: str):
        def factory(environ: Mapping[str, str]):
            tried.append(name)
            if name not in working:
                raise OSError(f"{name} does not work here")
            return Named(name)

        return factory

    return {name: make(name) for name in activity.BACKENDS}


X11_SESSION = {"DISPLAY": ":0", "XDG_SESSION_TYPE": "x11"}
WAYLAND_SESSION = {"DISPLAY": ":0", "WAYLAND_DISPLAY": "wayland-0", "XDG_SESSION_TYPE": "wayland"}


@pytest.mark.parametrize(
    "environ, platform, working, chosen, tried",
    [
        (X11_SESSION, "linux", {"x11", "gnome", "freedesktop"}, "x11", ["x11"]),
        (X11_SESSION, "linux", {"gnome", "freedesktop"}, "gnome", ["x11", "gnome"]),
        (X11_SESSION, "linux", {"freedesktop"}, "freedesktop", ["x11", "gnome", "freedesktop"]),
        (WAYLAND_SESSION, "linux", {"x11", "gnome", "freedesktop"}, "gnome", ["gnome"]),
        (
            WAYLAND_SESSION,
            "linux",
            {"x11", "freedesktop"},
            "freedesktop",
            ["gnome", "wayland", "freedesktop"],
        ),
        (WAYLAND_SESSION, "linux", {"x11", "wayland", "freedesktop"}, "wayland", ["gnome", "wayland"]),
        (
            {"DISPLAY": ":0", "WAYLAND_DISPLAY": "wayland-0"},
            "linux",
            {"x11", "freedesktop"},
            "freedesktop",
            ["gnome", "wayland", "freedesktop"],
        ),
        (
            WAYLAND_SESSION,
            "linux",
            {"x11", "logind"},
            "logind",
            ["gnome", "wayland", "freedesktop", "logind"],
        ),
        (X11_SESSION, "linux", {"logind"}, "logind", ["x11", "gnome", "freedesktop", "logind"]),
        ({}, "linux", {"logind", "wayland"}, "logind", ["gnome", "freedesktop", "logind"]),
        ({}, "linux", {"x11", "gnome"}, "gnome", ["gnome"]),
        ({}, "freebsd14", {"freedesktop"}, "freedesktop", ["gnome", "freedesktop"]),
        (X11_SESSION, "win32", {"windows", "x11"}, "windows", ["windows"]),
        ({}, "darwin", {"macos"}, "macos", ["macos"]),
    ],
)
def test_picker_order(environ, platform, working, chosen, tried) -> None:
    attempts: list[str] = []
    probe = choose_activity_probe(environ, platform, factories(working, attempts))
    assert probe.name == chosen
    assert attempts == tried


def test_picker_falls_back_to_none_and_says_why_once(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger=activity.__name__)
    probe = choose_activity_probe(X11_SESSION, "linux", factories(set(), []))
    assert isinstance(probe, NullProbe) and probe.name == "none"
    assert probe.sample() == ActivitySample(None, None, None, None)
    assert "x11: OSError: x11 does not work here" in probe.reason
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "timing by the clock" in warnings[0].getMessage()


@pytest.mark.parametrize("override", ["fake", "FAKE", " x11 ", "windows"])
def test_override_picks_that_backend_only(override: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger=activity.__name__)
    attempts: list[str] = []
    environ = {**WAYLAND_SESSION, "DESKBREAK_IDLE_PROBE": override}
    probe = choose_activity_probe(environ, "linux", factories(set(activity.BACKENDS), attempts))
    assert probe.name == attempts[0] == override.strip().lower()
    assert attempts == [probe.name]
    assert f"idle probe: {probe.name} (DESKBREAK_IDLE_PROBE)" in caplog.text


def test_override_none_and_an_override_that_fails() -> None:
    assert choose_activity_probe({"DESKBREAK_IDLE_PROBE": "none"}, "linux").name == "none"
    probe = choose_activity_probe(
        {**X11_SESSION, "DESKBREAK_IDLE_PROBE": "gnome"}, "linux", factories({"x11"}, [])
    )
    assert probe.name == "none" and "gnome" in probe.reason


def test_unknown_override_is_logged_and_ignored(caplog: pytest.LogCaptureFixture) -> None:
    probe = choose_activity_probe(
        {**X11_SESSION, "DESKBREAK_IDLE_PROBE": "mir"}, "linux", factories({"x11"}, [])
    )
    assert probe.name == "x11"
    assert "DESKBREAK_IDLE_PROBE=mir is not one of" in caplog.text


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="expects the Linux failures")
def test_real_lazy_imports_fake_and_platforms_absent_here() -> None:
    assert isinstance(choose_activity_probe({"DESKBREAK_IDLE_PROBE": "fake"}, "linux"), FakeActivityProbe)
    # The Windows and macOS modules import on Linux; building them fails (no DLL), so: none.
    assert choose_activity_probe({}, "win32").name == "none"
    assert choose_activity_probe({}, "darwin").name == "none"
    nowhere = {"DISPLAY": ":99999", "DBUS_SESSION_BUS_ADDRESS": "unix:path=/nonexistent/bus"}
    assert choose_activity_probe(nowhere, "linux").name == "none"


def test_fake_probe_set_changes_only_the_named_fields() -> None:
    probe = FakeActivityProbe()
    assert probe.sample() == ActivitySample(None, None, None, None)
    probe.set(idle=12.5, fullscreen=True)
    probe.set(locked=False)
    assert probe.sample() == ActivitySample(12.5, False, True, None)
    probe.set(idle=None, inhibited=True)
    assert probe.sample() == ActivitySample(None, False, True, True)
    assert probe.samples_taken == 3


# -- Windows ---------------------------------------------------------------------------------------
class FakeUser32:
    def __init__(self, last_input: int, ok: bool = True) -> None:
        self.last_input, self.ok = last_input, ok

    def GetLastInputInfo(self, info) -> int:
        assert info.contents.cbSize == 8
        info.contents.dwTime = self.last_input
        return int(self.ok)


class FakeKernel32:
    def __init__(self, ticks: int) -> None:
        self.ticks = ticks

    def GetTickCount(self) -> int:
        return self.ticks


class FakeShell32:
    def __init__(self, state: int, hresult: int = 0) -> None:
        self.state, self.hresult = state, hresult

    def SHQueryUserNotificationState(self, out) -> int:
        out.contents.value = self.state
        return self.hresult


@pytest.mark.parametrize(
    "last_input, ticks, idle",
    [
        (1_000, 61_000, 60.0),
        (0xFFFF_FF00, 0xFFFF_FFFF, 0.255),  # just before the wrap
        (0xFFFF_F000, 0x0000_1000, 8.192),  # GetTickCount wrapped after 49.7 days, the last input did not
        (5_000, 5_000, 0.0),
        (0xFFFF_F000, 0x1000 - 2**32, 8.192),  # a GetTickCount declared as signed (c_int) goes negative
    ],
)
def test_windows_idle_handles_the_32_bit_wrap(last_input: int, ticks: int, idle: float) -> None:
    probe = WindowsIdleProbe(
        user32=FakeUser32(last_input), kernel32=FakeKernel32(ticks), shell32=FakeShell32(5)
    )
    assert probe.sample() == ActivitySample(pytest.approx(idle), False, False, False)


@pytest.mark.parametrize(
    "state, expected",
    [
        (1, (True, None, True)),  # QUNS_NOT_PRESENT: locked / screen saver
        (2, (False, True, True)),  # QUNS_BUSY: a fullscreen app
        (3, (False, True, True)),  # QUNS_RUNNING_D3D_FULL_SCREEN
        (4, (False, True, True)),  # QUNS_PRESENTATION_MODE
        (5, (False, False, False)),  # QUNS_ACCEPTS_NOTIFICATIONS
        (6, (False, False, True)),  # QUNS_QUIET_TIME
        (7, (False, True, True)),  # QUNS_APP
        (42, (None, None, None)),
    ],
)
def test_windows_notification_state(state: int, expected: tuple) -> None:
    probe = WindowsIdleProbe(user32=FakeUser32(0), kernel32=FakeKernel32(1000), shell32=FakeShell32(state))
    sample = probe.sample()
    assert (sample.locked, sample.fullscreen, sample.notifications_inhibited) == expected


def test_windows_failures_give_none_and_never_raise(caplog: pytest.LogCaptureFixture) -> None:
    probe = WindowsIdleProbe(
        user32=FakeUser32(0, ok=False),
        kernel32=FakeKernel32(1000),
        shell32=FakeShell32(2, hresult=-2147467259),
    )  # E_FAIL
    assert probe.sample() == ActivitySample(None, None, None, None)
    assert probe.sample() == ActivitySample(None, None, None, None)
    assert caplog.text.count("GetLastInputInfo failed") == 1  # logged once

    broken = WindowsIdleProbe(user32=object(), kernel32=FakeKernel32(0), shell32=None)
    assert broken.sample() == ActivitySample(None, None, None, None)


@pytest.mark.skipif(sys.platform == "win32", reason="tests the failure off Windows")
def test_windows_needs_windows() -> None:
    with pytest.raises((AttributeError, OSError)):
        WindowsIdleProbe()


# -- macOS -----------------------------------------------------------------------------------------
class FakeCoreGraphics:
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.calls: list[tuple] = []

    def CGEventSourceSecondsSinceLastEventType(self, state: int, event_type: int) -> float:
        self.calls.append((state, event_type))
        if isinstance(self.seconds, Exception):
            raise self.seconds
        return self.seconds


def test_macos_idle_from_core_graphics() -> None:
    cg = FakeCoreGraphics(93.25)
    assert MacIdleProbe(cg=cg).sample() == ActivitySample(93.25, None, None, None)
    assert cg.calls == [(0, 0xFFFFFFFF)]
    assert (0, ctypes.c_uint32(~0).value) == (COMBINED_SESSION_STATE, ANY_INPUT_EVENT)


def test_macos_failure_gives_none() -> None:
    assert MacIdleProbe(cg=FakeCoreGraphics(OSError("gone"))).sample().idle_seconds is None
    assert MacIdleProbe(cg=FakeCoreGraphics(-1.0)).sample().idle_seconds is None


@pytest.mark.skipif(sys.platform == "darwin", reason="tests the failure off macOS")
def test_macos_needs_macos() -> None:
    with pytest.raises(OSError):
        MacIdleProbe()


# -- D-Bus (GNOME, freedesktop) over a fake connection ----------------------------------------------
class FakeBusConnection:
    """Answers method calls from a table {(destination, member or property): value}; others: no service."""

    def __init__(self, answers: dict[tuple[str, str], tuple[str, object]]) -> None:
        self.answers = answers
        self.calls: list[tuple[str, str]] = []
        self.closed = False

    def call(self, msg, timeout=None):
        assert timeout is not None and timeout <= 0.1
        assert msg.header.flags & MessageFlag.no_auto_start
        fields = msg.header.fields
        dest, member = fields[HeaderFields.destination], fields[HeaderFields.member]
        key = (dest, msg.body[1] if member == "Get" else member)
        self.calls.append(key)
        if key not in self.answers:
            return new_error(msg, "org.freedesktop.DBus.Error.ServiceUnknown", "s", ("no",))
        answer = self.answers[key]
        if isinstance(answer, Exception):
            raise answer
        signature, value = answer
        body = ((signature, value),) if member == "Get" else (value,)
        return new_method_return(msg, "v" if member == "Get" else signature, body)

    def close(self) -> None:
        self.closed = True


def bus(answers: dict, environ: Mapping[str, str] | None = None) -> tuple[DesktopBus, FakeBusConnection]:
    conn = FakeBusConnection(answers)
    return DesktopBus(environ or {"PATH": ""}, connection=conn), conn


def test_gnome_probe() -> None:
    desktop, conn = bus(
        {
            ("org.gnome.Mutter.IdleMonitor", "GetIdletime"): ("t", 4_250),
            ("org.gnome.ScreenSaver", "GetActive"): ("b", False),
            ("org.freedesktop.Notifications", "Inhibited"): ("b", True),
        }
    )
    probe = GnomeIdleProbe(bus=desktop)
    assert probe.name == "gnome"
    assert probe.sample() == ActivitySample(4.25, False, None, True)
    probe.close()
    assert conn.closed


def test_freedesktop_probe_and_lock_through_the_freedesktop_name() -> None:
    desktop, conn = bus(
        {
            ("org.freedesktop.ScreenSaver", "GetSessionIdleTime"): ("u", 61_000),
            ("org.freedesktop.ScreenSaver", "GetActive"): ("b", True),
        }
    )
    probe = FreedesktopIdleProbe(bus=desktop)
    assert probe.sample() == ActivitySample(61.0, True, None, None)
    assert ("org.gnome.ScreenSaver", "GetActive") in conn.calls  # tried first, absent


def test_bus_probe_refuses_a_desktop_without_its_service() -> None:
    desktop, conn = bus({("org.freedesktop.ScreenSaver", "GetSessionIdleTime"): ("u", 1)})
    with pytest.raises(Exception, match="ServiceUnknown"):
        GnomeIdleProbe(bus=desktop)
    assert conn.closed


def test_bus_probe_failures_are_logged_once_and_give_none(caplog: pytest.LogCaptureFixture) -> None:
    desktop, conn = bus({("org.gnome.Mutter.IdleMonitor", "GetIdletime"): ("t", 1)})
    probe = GnomeIdleProbe(bus=desktop)
    conn.answers[("org.gnome.Mutter.IdleMonitor", "GetIdletime")] = TimeoutError("slow")
    assert probe.sample() == ActivitySample(None, None, None, None)
    assert probe.sample() == ActivitySample(None, None, None, None)
    assert caplog.text.count("GetIdletime failed") == 1


def test_show_banners_off_means_inhibited_on_gnome(tmp_path, monkeypatch) -> None:
    gsettings = tmp_path / "gsettings"
    counter = tmp_path / "count"
    gsettings.write_text(f"#!/bin/sh\necho x >> {counter}\necho false\n")
    gsettings.chmod(0o755)
    environ = {"PATH": str(tmp_path), "XDG_CURRENT_DESKTOP": "ubuntu:GNOME"}
    desktop, _ = bus({("org.gnome.Mutter.IdleMonitor", "GetIdletime"): ("t", 0)}, environ)
    probe = GnomeIdleProbe(bus=desktop)
    assert probe.sample().notifications_inhibited is True
    assert probe.sample().notifications_inhibited is True
    assert counter.read_text().count("x") == 1  # cached for a few seconds

    gsettings.write_text("#!/bin/sh\nexit 1\n")  # schema missing: stop asking
    monkeypatch.setattr("deskbreak.adapters.activity.dbus.BANNERS_TTL", 0.0)
    assert probe.sample().notifications_inhibited is None
    assert desktop._gsettings is None


def test_show_banners_not_asked_outside_gnome(tmp_path) -> None:
    (tmp_path / "gsettings").write_text("#!/bin/sh\necho false\n")
    (tmp_path / "gsettings").chmod(0o755)
    desktop, _ = bus({}, {"PATH": str(tmp_path), "XDG_CURRENT_DESKTOP": "KDE"})
    assert desktop.notifications_inhibited() is None
