"""A process's PSS and USS as on a desktop of its own: its pages shared only with the desktop the
bench started for it, not with whatever else runs on the machine.

The kernel's Pss and Private_* count a page as shared with any process that maps it. On a machine
shared with other test runs that makes a figure depend on them: Workrave's gtkmm pages (and the
parts of GTK only it touches) are private on a desktop, but shared with every waybar (a gtkmm
program) another run left on the machine, which halves its USS (10.9 MB against 20-22 alone).
So `alone` reads the physical frame of every resident page (/proc/PID/pagemap; root only: frame
numbers read as 0 otherwise, and the caller keeps the kernel's figures) and counts a page as shared
only with the `desktop` processes that map the same frame: USS = pages none of them maps, PSS =
each page split between the process and those of them that map it.
"""

from __future__ import annotations

import os
from array import array
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024
PRESENT = 1 << 63
FRAME = (1 << 55) - 1


def frames(pid: int) -> Iterator[int]:
    """The physical frame of each resident page of `pid` (none when they cannot be read)."""
    try:
        maps = Path(f"/proc/{pid}/maps").read_text().splitlines()
        pagemap = open(f"/proc/{pid}/pagemap", "rb")  # noqa: SIM115 (closed below)
    except OSError:
        return
    page = os.sysconf("SC_PAGE_SIZE")
    with pagemap:
        for line in maps:
            span, _, rest = line.partition(" ")
            if "[vsyscall]" in rest:
                continue
            start, end = (int(x, 16) for x in span.split("-"))
            entries = array("Q")
            try:
                pagemap.seek(start // page * 8)
                entries.frombytes(pagemap.read((end - start) // page * 8))
            except (OSError, ValueError):
                continue
            for entry in entries:
                if entry & PRESENT and entry & FRAME:
                    yield entry & FRAME


def readable() -> bool:
    """Frame numbers are readable here (root): otherwise `alone` cannot tell pages apart."""
    return any(True for _ in frames(os.getpid()))


def alone(pid: int, desktop: Iterable[int]) -> tuple[int, int] | None:
    """(PSS kB, USS kB) of `pid` with its pages shared only among `desktop` (PIDs), or None when the
    frames cannot be read."""
    own = set(frames(pid))
    if not own:
        return None
    mappers: Counter[int] = Counter()
    for other in set(desktop) - {pid}:
        mappers.update(set(frames(other)) & own)
    uss = sum(1 for frame in own if not mappers[frame])
    pss = sum(1 / (1 + mappers[frame]) for frame in own)
    return round(pss * PAGE_KB), uss * PAGE_KB
