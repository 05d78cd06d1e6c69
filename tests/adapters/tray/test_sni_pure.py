"""The StatusNotifierItem tray's pure parts: ARGB32 pixmaps, pystray's model without a backend, and
how the tray is chosen (no bus needed)."""

from __future__ import annotations

import logging
import subprocess
import sys

from PIL import Image

from deskbreak.adapters import tray as chooser
from deskbreak.adapters.tray.headless import HeadlessTray
from deskbreak.adapters.tray.pictures import draw_icon
from deskbreak.adapters.tray.sni import NoWatcher
from deskbreak.adapters.tray.sni_item import SIZES, pixmaps


def test_pixmaps_are_argb32_in_network_byte_order_in_every_size():
    image = Image.new("RGBA", (64, 64), (10, 20, 30, 40))
    got = pixmaps(image)
    assert [(w, h) for w, h, _ in got] == [(s, s) for s in SIZES]
    for width, height, data in got:
        assert len(data) == width * height * 4
        alpha, red, green, blue = data[:4]  # A, R, G, B (scaled sizes: within resampling's rounding)
        assert alpha == 40 and abs(red - 10) <= 3 and abs(green - 20) <= 3 and abs(blue - 30) <= 3
    assert got[-1][2][:8] == bytes((40, 10, 20, 30)) * 2  # 64 px: the picture itself, exact


def test_pixmaps_of_two_states_differ():
    working, due = pixmaps(draw_icon("working", 0.5, 64)), pixmaps(draw_icon("due", 0, 64))
    assert working[-1][2] != due[-1][2]


def test_the_sni_tray_imports_neither_gtk_nor_a_pystray_backend():
    code = (
        "import sys; from deskbreak.adapters.tray import sni; "
        "bad = sorted(m for m in sys.modules if m == 'pystray' or m.startswith(('gi', 'Xlib', 'pystray._x', "
        "'pystray._g', 'pystray._a'))); print(bad)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=30,
        env={"PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_pystray_imported_later_shares_the_same_model():
    code = (
        "from deskbreak.adapters.tray.model import pystray_base; base = pystray_base(); "
        "import pystray; print(pystray.Menu is base.Menu, pystray.MenuItem is base.MenuItem)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=30,
        env={"PATH": "/usr/bin:/bin", "PYSTRAY_BACKEND": "dummy"},
    )
    assert done.stdout.strip() == "True True", done.stderr


def test_forced_headless_and_unknown_choices(caplog):
    caplog.set_level(logging.INFO)
    assert chooser.choose_tray(None, {"DESKBREAK_TRAY": "headless"}).name == "headless"
    assert chooser.choose_tray(None, {"DESKBREAK_TRAY": "bogus"}).name == "headless"  # no bus, no display
    assert "not one of sni, pystray, headless" in caplog.text


def test_forced_sni_without_a_watcher_runs_headless(caplog):
    caplog.set_level(logging.INFO)
    assert chooser.choose_tray(None, {"DESKBREAK_TRAY": "sni", "DISPLAY": ":99"}).name == "headless"
    assert "DESKBREAK_TRAY=sni, but no StatusNotifierItem tray (no session bus)" in caplog.text


def test_sni_first_then_pystray():
    tried = []

    def no_watcher(on_command, address):
        tried.append(1)
        raise NoWatcher("no watcher")

    def no_pystray(on_command):
        raise ImportError("no pystray here")

    factories = {"sni": no_watcher, "pystray": no_pystray, "headless": HeadlessTray}
    bus = {"DBUS_SESSION_BUS_ADDRESS": "unix:path=/x"}
    choice = chooser.pick_tray(None, bus, "linux", factories)
    assert choice.adapter.name == choice.name == "headless"  # no watcher, no display
    assert tried == [1]
    assert [str(f) for f in choice.failures] == [
        "sni: NoWatcher: no watcher",
        "pystray: no display ($DISPLAY and $WAYLAND_DISPLAY are unset)",
    ]
    # PYSTRAY_BACKEND alone: pystray, no SNI attempt
    choice = chooser.pick_tray(None, {**bus, "PYSTRAY_BACKEND": "dummy", "DISPLAY": ":9"}, "linux", factories)
    assert [str(f) for f in choice.failures] == ["pystray: ImportError: no pystray here"]
    choice = chooser.pick_tray(
        None, {**bus, "DESKBREAK_TRAY": "pystray", "DISPLAY": ":9"}, "linux", factories
    )
    assert choice.forced == "DESKBREAK_TRAY=pystray" and choice.name == "headless"
    assert tried == [1]
