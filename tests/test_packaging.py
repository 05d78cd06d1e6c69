"""The sdist and wheel carry the catalog, the assets and the example config; a fresh venv runs them.

Builds offline (`--no-isolation`: needs `build` and `hatchling` installed, as `.[test]` CI has them);
skipped when they are missing. About 5 s.
"""

from __future__ import annotations

import os
import site
import subprocess
import sys
import sysconfig
import tarfile
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytest.importorskip("build", reason="pip install build hatchling to test packaging")
pytest.importorskip("hatchling", reason="pip install build hatchling to test packaging")


@pytest.fixture(scope="module")
def dist(tmp_path_factory):
    out = tmp_path_factory.mktemp("dist")
    done = subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    (wheel,) = out.glob("deskbreak-*.whl")
    (sdist,) = out.glob("deskbreak-*.tar.gz")
    return wheel, sdist


def test_the_wheel_holds_data_assets_and_the_example_config(dist):
    wheel, _ = dist
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in ("deskbreak/data/stretches.toml", "deskbreak/data/config.example.toml"):
        assert needed in names
    modules = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "deskbreak").rglob("*.py"))
    assert "deskbreak/adapters/window/guided.py" in modules and "deskbreak/core/schedule.py" in modules
    assert [m for m in modules if m not in names] == []
    assets = sorted(n for n in names if n.startswith("deskbreak/assets/"))
    shipped = sorted(
        f"deskbreak/assets/{p.relative_to(ROOT / 'assets').as_posix()}"
        for p in (ROOT / "assets").rglob("*")
        if p.is_file()
    )
    assert assets == shipped
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "deskbreak = deskbreak.entry:main" in zipfile.ZipFile(wheel).read(entry_points).decode()
    assert not any("__pycache__" in n or n.startswith("tests/") for n in names)


def test_the_wheel_carries_every_languages_compiled_catalog(dist):
    """The .mo files are not committed: the build compiles them (hatch_build.py), and gettext finds
    them in the installed package."""
    import gettext

    from deskbreak.i18n import DOMAIN, TRANSLATED

    wheel, _ = dist
    archive = zipfile.ZipFile(wheel)
    names = set(archive.namelist())
    for language in TRANSLATED:
        mo = f"deskbreak/locale/{language}/LC_MESSAGES/{DOMAIN}.mo"
        assert mo in names, language
        with archive.open(mo) as file:
            catalog = gettext.GNUTranslations(file)
        assert catalog.info()["language"] == language


def test_the_sdist_holds_what_a_rebuild_needs(dist):
    _, sdist = dist
    names = {n.split("/", 1)[1] for n in tarfile.open(sdist).getnames() if "/" in n}
    for needed in (
        "pyproject.toml",
        "README.md",
        "config.example.toml",
        "deskbreak/data/stretches.toml",
        "tests/test_packaging.py",
        "babel.cfg",
        "hatch_build.py",
        "deskbreak/locale/deskbreak.pot",
        "deskbreak/locale/pl/LC_MESSAGES/deskbreak.po",
    ):
        assert needed in names
    assert any(n.startswith("assets/") for n in names)


def see_the_test_runners_packages(venv: Path) -> None:
    """Let `venv` import the dependencies this test run has, offline, wherever they are installed.

    `--system-site-packages` shows the base interpreter's site only; run from inside a virtual
    environment, the dependencies sit in that environment instead. A .pth file appends the running
    interpreter's site folders after the new venv's own, so the wheel installed there still wins.
    """
    folders = {*site.getsitepackages(), sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    if site.ENABLE_USER_SITE:
        folders.add(site.getusersitepackages())
    target = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout.strip()
    Path(target, "deskbreak-test-runner.pth").write_text("".join(f"{f}\n" for f in sorted(folders)), "utf-8")


@pytest.mark.skipif(sys.platform == "win32", reason="venv layout differs")
def test_a_venv_install_runs_the_console_script(dist, tmp_path):
    wheel, _ = dist
    venv = tmp_path / "venv"
    subprocess.run(
        [sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True, timeout=120
    )
    see_the_test_runners_packages(venv)
    # --ignore-installed: the system site may hold a deskbreak already (CI installs the checkout).
    pip = [
        str(venv / "bin" / "python"),
        "-m",
        "pip",
        "install",
        "-q",
        "--no-index",
        "--no-deps",
        "--ignore-installed",
        str(wheel),
    ]
    subprocess.run(pip, check=True, timeout=120, capture_output=True)
    env = {**os.environ, "DESKBREAK_CONFIG": str(tmp_path / "none.toml"), "PYTHONPATH": ""}
    exe = str(venv / "bin" / "deskbreak")
    listing = subprocess.run(
        [exe, "stretches"], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60
    )
    assert listing.returncode == 0 and "seated" in listing.stdout
    shown = subprocess.run(
        [exe, "config", "show"], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60
    )
    assert shown.returncode == 0 and "interval_minutes = 45" in shown.stdout
    german = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "from deskbreak import i18n; print(i18n.locale_dir())"],
        capture_output=True,
        text=True,
        env={**env, "LANGUAGE": "de"},
        cwd=tmp_path,
        timeout=60,
    )
    installed_locale = Path(german.stdout.strip())
    assert str(venv) in str(installed_locale) and (installed_locale / "de/LC_MESSAGES/deskbreak.mo").is_file()
    found = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import deskbreak; print(deskbreak.__file__)"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
    )
    assert str(venv) in found.stdout  # the installed copy, not the checkout
