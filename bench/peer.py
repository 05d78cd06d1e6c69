"""The peer: Workrave (Debian's package), idle in the same run and on the same desktop as deskbreak.

It runs on the XFCE stack (bench/snitray.py), whose xfce4-panel is the GTK panel Workrave shares its
GTK pages with, as on any GTK desktop; the panel's systray hosts its icon (Workrave 1.10 docks an
XEmbed icon there: the run says which it saw). It has a home of its own (its settings in memory: GSETTINGS_BACKEND=memory, so no
dconf-service is started for it), and its breaks keep their default timers: in a two-minute idle period
on Xvfb nothing is due. Measured: the `workrave` process itself (RSS, PSS, USS, CPU, wake-ups).

Checked fully up as a user runs it: its icon docked in the panel, its timer window shown (Workrave's
default), `org.workrave.Workrave` on the bus, its one-second timers running (about 700 wake-ups a
minute). Most of its private memory is library text only it maps (gtkmm, giomm, its own binary: about
11 MB), so any other Workrave on the machine (another bench or test run) turns those pages shared
and halves its USS: two more read 7.9 MB USS / 13.1 MB PSS where it alone reads 20-22 / 25-27. So does
any other gtkmm program (waybar, in other test runs on a shared machine: 10.9 MB / 13.4 MB).
`outside_sharing` names them; the run counts every subject's pages as on a desktop of its own
(bench/pages.py) and says which processes shared Workrave's libraries.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from subjects import Daemon, Procs

PROGRAM = "workrave"
OWN_MIN_KB = 256  # a library of Workrave's own that weighs in its USS


def _mapped_files(pid: int) -> set[str]:
    try:
        maps = Path(f"/proc/{pid}/maps").read_text()
    except OSError:  # gone, or not ours to read
        return set()
    return {
        parts[5]
        for line in maps.splitlines()
        if len(parts := line.split(None, 5)) == 6 and parts[5].startswith("/")
    }


def _resident_kb(pid: int) -> dict[str, int]:
    """Resident kB per mapped file of `pid` (/proc/PID/smaps)."""
    resident: dict[str, int] = {}
    path = ""
    try:
        lines = Path(f"/proc/{pid}/smaps").read_text().splitlines()
    except OSError:
        return resident
    for line in lines:
        parts = line.split(None, 5)
        if "-" in parts[0] and len(parts) >= 5 and not parts[0].endswith(":"):
            path = parts[5] if len(parts) == 6 and parts[5].startswith("/") else ""
        elif parts[0] == "Rss:" and path:
            resident[path] = resident.get(path, 0) + int(parts[1])
    return resident


def with_descendants(pids: set[int]) -> set[int]:
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat[stat.rindex(")") + 2 :].split()[1])
    found, grown = set(pids), True
    while grown:
        more = {child for child, parent in parents.items() if parent in found} - found
        found |= more
        grown = bool(more)
    return found


@dataclass(frozen=True)
class Sharing:
    """Processes outside the bench ("PID name") and the libraries of Workrave's own they map too."""

    sharers: tuple[str, ...] = ()
    files: frozenset[str] = frozenset()


def outside_sharing(pid: int, desktop: Iterable[int] = ()) -> Sharing:
    """Other processes on the machine that map the libraries only Workrave maps on its desktop (its
    binary, gtkmm and the C++ bindings, GStreamer: each it maps with 256 kB or more resident that none
    of the `desktop` PIDs maps): other Workraves, or gtkmm programs such as waybar in other test
    runs. They share those pages, so its PSS and USS read low (to about half)."""
    desktop = with_descendants(set(desktop))  # the panel runs its systray plugin as a child
    shared_anyway = set().union(*(_mapped_files(other) for other in desktop))
    # Its libraries of some weight only: font caches and the like are shared on any desktop.
    try:
        exe = os.readlink(f"/proc/{pid}/exe")
    except OSError:
        exe = ""
    resident = _resident_kb(pid)
    own = {path for path, kb in resident.items() if kb >= OWN_MIN_KB and (".so" in path or path == exe)}
    own -= shared_anyway
    sharers, files = [], set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == pid or int(entry.name) in desktop:
            continue
        both = own & _mapped_files(int(entry.name))
        if both:
            try:
                name = (entry / "comm").read_text().strip()
            except OSError:
                name = "?"
            sharers.append(f"{entry.name} {name}")
            files |= both
    return Sharing(tuple(sharers), frozenset(files))


def missing() -> list[str]:
    return [] if shutil.which(PROGRAM) else ["workrave (apt-get install workrave)"]


def start_workrave(
    procs: Procs, stack_env: dict[str, str], workdir: Path, trays: dict[str, Callable[[], set[int]]]
) -> Daemon:
    """Workrave started on the stack, with its icon docked in one of `trays` (name -> the PIDs with an
    icon there), or a note that it was not seen."""
    home = workdir / "workrave-home"
    for sub in ("config", "data", "cache"):
        (home / sub).mkdir(parents=True, exist_ok=True)
    env = {
        **stack_env,
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CACHE_HOME": str(home / "cache"),
        **({} if os.environ.get("BENCH_WORKRAVE_DCONF") else {"GSETTINGS_BACKEND": "memory"}),
        "NO_AT_BRIDGE": "1",
    }
    peer = Daemon("workrave (peer)", home, env)
    peer.launched = time.monotonic()
    peer.proc = procs.start([PROGRAM], workdir / "workrave.log", env=env)
    deadline = peer.launched + 20
    while time.monotonic() < deadline and peer.proc.poll() is None:
        seen = [name for name, docked_pids in trays.items() if peer.proc.pid in docked_pids()]
        if seen:
            peer.icon_after, peer.tray = time.monotonic() - peer.launched, seen[0]
            break
        time.sleep(0.05)
    if peer.proc.poll() is not None:
        raise RuntimeError(
            f"workrave exited ({peer.proc.returncode}): {(workdir / 'workrave.log').read_text()[-800:]}"
        )
    if peer.icon_after is None:
        peer.notes.append("no icon of workrave's PID seen within 20 s (an item or XEmbed window)")
    return peer
