"""One daemon's footprint, quickly: `python bench/footprint.py [--xorg] [--wait S] [--tree DIR]`.

Starts the desktop the bench measures the StatusNotifierItem tray on (xfce4-panel on Xvfb, a private
bus, dunst: bench/snitray.py), runs one in-hours daemon on it (the SNI tray, or pystray's xorg tray
with --xorg), waits (70 s by default: past the first heartbeat, when the call sense is first asked)
and prints its RSS, and its PSS and USS as on a desktop of its own (bench/pages.py). With --tree, the
deskbreak tree run is DIR (a `git archive` of another commit, say), so a change's saving is two runs
of this script. The full bench (bench/run.py) measures every tray path beside Workrave.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCH), str(BENCH.parent), str(BENCH.parent / "tests")]

import pages
import subjects
from interpreter import dependency_folders
from peer import with_descendants
from procfs import Sample
from snitray import SniHost
from subjects import Daemon, Procs, config_text
from xtray import TrayIcons


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--xorg", action="store_true", help="pystray's xorg (XEmbed) tray, not the SNI one")
    parser.add_argument("--wait", type=float, default=70.0, help="seconds from start to the sample")
    parser.add_argument("--tree", type=Path, help="the deskbreak tree to run (default: this one)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="deskbreak-footprint-") as folder:
        work = Path(folder)
        procs, host = Procs(), SniHost(work / "xfce")
        host.start()
        try:
            daemon = Daemon.make("daemon", work, host.stack, config_text(True), None if args.xorg else "sni")
            if args.xorg:
                daemon.env.update(PYSTRAY_BACKEND="xorg", DESKBREAK_TRAY="pystray")
            if args.tree:  # `python -m deskbreak` runs in the tree (its cwd) with it first on the path
                subjects.REPO = args.tree.resolve()
                daemon.env["PYTHONPATH"] = ":".join([str(subjects.REPO), *dependency_folders()])
            daemon.launch(procs, TrayIcons(host.stack.display))
            time.sleep(args.wait)
            assert daemon.proc is not None
            sample = Sample.take(daemon.proc.pid)
            desktop = with_descendants({proc.pid for proc in getattr(host.stack, "_procs", {}).values()})
            alone = pages.alone(daemon.proc.pid, desktop)
            pss, uss = alone if alone is not None else (sample.pss_kb, sample.uss_kb)
            print(
                f"tray {daemon.tray}: RSS {sample.rss_kb / 1024:.1f} MB, PSS {pss / 1024:.1f} MB, "
                f"USS {uss / 1024:.1f} MB ({'a desktop of its own' if alone else 'the kernel figures'})"
            )
        finally:
            procs.stop_all()
            host.stop()


if __name__ == "__main__":
    main()
