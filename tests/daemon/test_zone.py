"""The machine's zone: read from /etc/localtime's link in one step, tzlocal's lookup otherwise."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import tzlocal

from deskbreak.daemon.zone import machine_zone, resolve_zone, zone_key

ZONEINFO = Path("/usr/share/zoneinfo")
linux = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/etc/localtime is Linux's")


def test_zone_key_is_the_path_below_the_zoneinfo_folder():
    assert zone_key("/usr/share/zoneinfo/Europe/Paris") == "Europe/Paris"
    assert zone_key("/usr/share/zoneinfo/posix/America/New_York") == "posix/America/New_York"
    assert zone_key("/opt/zoneinfo/tz/zoneinfo/Asia/Tokyo") == "Asia/Tokyo"
    assert zone_key("/etc/some-file") is None
    assert zone_key("/usr/share/zoneinfo/") is None


@linux
def test_a_link_into_zoneinfo_names_the_zone(tmp_path):
    link = tmp_path / "localtime"
    link.symlink_to(ZONEINFO / "Europe" / "Berlin")
    zone = machine_zone(str(link), environ={})
    assert zone == ZoneInfo("Europe/Berlin") and str(zone) == "Europe/Berlin"


@linux
@pytest.mark.parametrize("target", ["plain-file", "zoneinfo/Not/A_Zone"])
def test_anything_else_is_tzlocals_to_find(tmp_path, target):
    path = tmp_path / target
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes((ZONEINFO / "Etc" / "UTC").read_bytes())
    link = tmp_path / "localtime"
    link.symlink_to(path)
    assert machine_zone(str(link), environ={}) == tzlocal.get_localzone()


@linux
def test_tz_in_the_environment_is_tzlocals_to_read(tmp_path):
    link = tmp_path / "localtime"
    link.symlink_to(ZONEINFO / "Europe" / "Berlin")
    assert machine_zone(str(link), environ={"TZ": "Asia/Tokyo"}) == tzlocal.get_localzone()


@linux
def test_this_machines_zone_is_tzlocals_without_loading_importlib_resources():
    if not os.path.islink("/etc/localtime"):
        pytest.fail("this test needs /etc/localtime to be a link, as on systemd distributions")
    code = (
        "import sys, tzlocal; from deskbreak.daemon.zone import resolve_zone; zone = resolve_zone('');"
        "print(str(zone), 'importlib.resources' in sys.modules); print(str(tzlocal.get_localzone()))"
    )
    # -S: without the site's .pth files, which may import importlib.resources themselves (pyenv's do).
    env = {**{k: v for k, v in os.environ.items() if k != "TZ"}, "PYTHONPATH": os.pathsep.join(sys.path)}
    done = subprocess.run(
        [sys.executable, "-S", "-c", code], capture_output=True, text=True, env=env, timeout=30
    )
    ours, theirs = done.stdout.splitlines()
    assert ours == f"{theirs} False", done.stderr


def test_a_named_zone_is_that_zone():
    assert resolve_zone("America/Sao_Paulo") == ZoneInfo("America/Sao_Paulo")
