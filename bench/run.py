"""Every deskbreak benchmark figure, from one command: footprint, start-up, prompt latency, stats.

Run:  python bench/run.py [--idle-seconds 120] [--quick] [--backends xorg] [--readme] [--sni-only]

Starts its own Xvfb + private D-Bus + dunst + trayer (tests/desktop_stack.py), then:
1. the floor: a bare `python -c "import time; time.sleep(1e6)"` (RSS/PSS/USS) on the bench's clean
   venv (bench/interpreter.py: no site .pth files), the interpreter every deskbreak process runs on;
   and the peer, Workrave, idle on the XFCE desktop (bench/peer.py), in the same period;
2. the real daemon (`python -m deskbreak run`, XDG dirs in a temp dir) with a config whose work
   window covers now ("in hours") and one whose windows are all on another day ("off hours"), for
   each pystray backend that imports here (PYSTRAY_BACKEND) and for the StatusNotifierItem tray
   (DESKBREAK_TRAY=sni, hosted by xfce4-panel on its own Xvfb + bus, bench/snitray.py): RSS/PSS after start and after the idle
   period, CPU % of one core over it, threads, and context switches per minute summed over all
   threads (the wake-ups). A bare pystray icon per backend is measured too: the toolkit's own cost;
3. start-up: launch -> `status` answers on the control socket, launch -> the XEmbed icon is docked
   in trayer, the `deskbreak status` command's wall time, `-X importtime` top offenders;
4. prompt latency: interval 1 min, settle_seconds = 0, `count = "clock"`: the due instant (the
   bench's `done` re-anchors the schedule: due = done + 1 min) to the Notify call seen by
   dbus-monitor on the bus;
5. the stats benchmark over five years (bench/bench_stats.py);
6. a status bar's CPU per hour, polling `status --short` every 5 s vs `--follow`, and `status --short`
   against the floor (bench/costs.py).
Figures, not pass/fail: the table shows each target and whether it is met. --readme writes the
table into bench/README.md. Every process started here is stopped by its PID at the end.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path[:0] = [str(REPO), str(REPO / "tests")]

import costs
import pages
from desktop_stack import DesktopStack, missing_programs
from measures import (
    NotifyWatch,
    import_report,
    importtime,
    parse_importtime,
    prompt_latency,
    stats_figure,
    timed_cli,
)
from peer import Sharing, outside_sharing, start_workrave, with_descendants
from peer import missing as peer_missing
from procfs import Sample
from report import (
    ICON_MAX,
    PROMPT_MAX,
    Row,
    footprint_rows,
    mb,
    peer_rows,
    render,
    skeleton_rows,
    write_readme,
)
from snitray import SniHost
from subjects import (
    FLOOR_CODE,
    PY,
    Daemon,
    Procs,
    config_text,
    start_reference_icon,
    start_skeleton,
    startup_runs,
    tray_backends,
)
from xtray import TrayIcons

from deskbreak.daemon.control import ControlError, NotRunning


def seconds(values: list[float | None]) -> str:
    got = [v for v in values if v is not None]
    if not got:
        return "none"
    if len(got) == 1:
        return f"{got[0]:.3f} s"
    return f"{statistics.median(got):.3f} s (max {max(got):.3f})" + (
        "" if len(got) == len(values) else f", {len(values) - len(got)} none"
    )


# --- the run -------------------------------------------------------------------------------------


def run(
    args: argparse.Namespace, stack: DesktopStack, procs: Procs, workdir: Path, sni: SniHost | None
) -> tuple[list[Row], str]:
    idle = args.idle_seconds
    rows: list[Row] = []
    details: list[str] = []
    alone_ok = pages.readable()
    kernel: dict[str, Sample] = {}  # the kernel's figures of each subject's last sample, shared with anything

    def desktop_of(m: Daemon) -> set[int]:
        """The processes of the desktop `m` runs on (its host, bus, X server, notification server)."""
        display = m.env.get("DISPLAY", "")
        where = sni.stack if sni is not None and display == sni.stack.display else stack  # the floor: X's
        started = getattr(where, "_procs", {}).values()
        return with_descendants({proc.pid for proc in started})  # the panel's systray plugin is a child

    def take(m: Daemon) -> Sample:
        """A sample of `m`, its PSS and USS as on a desktop of its own (bench/pages.py) when frames
        can be read: pages shared with other bench subjects or other runs on the machine are its own."""
        sample = Sample.take(m.proc.pid)
        kernel[m.label] = sample
        figures = pages.alone(m.proc.pid, desktop_of(m)) if alone_ok else None
        return sample if figures is None else replace(sample, pss_kb=figures[0], uss_kb=figures[1])

    floor_proc = procs.start([PY, "-c", FLOOR_CODE], workdir / "floor.log")
    time.sleep(1.0)
    floor = Daemon("floor (bare python -c sleep, clean venv)", workdir, {})
    floor.proc = floor_proc
    floor.start = take(floor)

    icons = TrayIcons(stack.display)
    has_adapter = (REPO / "deskbreak" / "adapters" / "tray" / "icon.py").exists()
    backends = [] if args.sni_only else tray_backends(stack)
    if args.backends:
        backends = [b for b in backends if b in args.backends.split(",")]
    elif args.quick:
        backends = backends[:1]
    print(
        f"pystray backends importable here: {', '.join(backends) or 'none'}; "
        f"deskbreak/adapters/tray/icon.py {'present' if has_adapter else 'absent (the daemon runs headless)'}; "
        f"StatusNotifierItem host: {'xfce4-panel' if sni else 'none'}",
        flush=True,
    )

    def host(backend: str | None):  # where a tray lives: the SNI one on xfce4-panel, pystray's under trayer
        return (sni.stack, sni) if backend == "sni" else (stack, icons)

    # A new list: `trays += ["sni"]` below must not add "sni" to the pystray backends.
    trays = ([*backends] if has_adapter and backends else [None]) if not args.sni_only else []
    trays += ["sni"] if sni is not None else []

    # Start-up first, on a quiet machine: per backend, a first run then ordinary starts.
    startups = []
    for backend in trays:
        first, later = startup_runs(procs, *host(backend), workdir, backend, 2 if args.quick else 6)
        startups.append((backend, first, later))
        print(
            f"  start-up [{backend or 'default'}]: tray {first.tray}; first run: status {first.status_after:.3f} s,"
            f" icon {seconds([first.icon_after])}; then status {seconds([d.status_after for d in later])},"
            f" icon {seconds([d.icon_after for d in later])}",
            flush=True,
        )

    daemons: list[tuple[Daemon, bool]] = []
    for in_hours in (True, False):
        for backend in trays:
            label = f"daemon {'in hours' if in_hours else 'off hours'} [{backend or 'default'}]"
            where, seen = host(backend)
            d = Daemon.make(label, workdir, where, config_text(in_hours), backend).launch(procs, seen)
            print(
                f"  {label}: tray {d.tray}, status after {d.status_after:.3f} s, icon after "
                f"{'-' if d.icon_after is None else f'{d.icon_after:.3f} s'}",
                flush=True,
            )
            daemons.append((d, in_hours))
    # The same design with no deskbreak code (bench/skeleton.py), on the same desktops.
    skeletons = [start_skeleton(procs, sni.stack.env, workdir, xembed=False)] if sni is not None else []
    if "xorg" in backends:
        skeletons.append(start_skeleton(procs, stack.env, workdir, xembed=True))
    for d in [*(d for d, _ in daemons), *skeletons]:
        time.sleep(0.5)
        d.start = take(d)
    references: list[Daemon] = []  # what the toolkit costs by itself: a bare pystray icon per backend
    if not args.quick or all(d.tray == "headless" for d, _ in daemons):
        for backend in backends:
            ref = start_reference_icon(procs, stack, icons, workdir, backend)
            print(
                f"  {ref.label}: icon after {'-' if ref.icon_after is None else f'{ref.icon_after:.3f} s'}",
                flush=True,
            )
            references.append(ref)
        time.sleep(0.5)
        for ref in references:
            ref.start = take(ref)

    peer, desktop, sharing = None, list[int](), Sharing()
    if sni is not None and not peer_missing():
        peer = start_workrave(
            procs,
            sni.stack.env,
            workdir,
            {"SNI": sni.docked_pids, "XEmbed": TrayIcons(sni.stack.display).docked_pids},
        )
        print(f"  {peer.label}: icon {peer.tray} after {seconds([peer.icon_after])}", flush=True)
        time.sleep(0.5)
        peer.start = take(peer)
        # The bench's own processes (both desktops, the daemons): what Workrave shares with them it
        # would share on a desktop too; only what it shares with the rest of the machine is not so.
        started = [*getattr(sni.stack, "_procs", {}).values(), *getattr(stack, "_procs", {}).values()]
        desktop = [proc.pid for proc in started + procs.all if proc is not peer.proc]
        sharing = outside_sharing(peer.proc.pid, desktop)
    measured = [floor] + [d for d, _ in daemons] + skeletons + references + ([peer] if peer else [])
    print(f"idling {idle:.0f} s...", flush=True)
    for m in sorted(measured, key=lambda m: m.start.at):
        time.sleep(max(0.0, m.start.at + idle - time.monotonic()))
        m.end = take(m)
        m.rates = m.end.since(m.start)
    if peer is not None:
        at_end = outside_sharing(peer.proc.pid, desktop)
        sharing = Sharing(tuple(sorted({*sharing.sharers, *at_end.sharers})), sharing.files | at_end.files)
        if sharing.sharers:
            print(
                f"  processes outside the bench share Workrave's pages: {', '.join(sharing.sharers)}",
                flush=True,
            )

    # Prompt latency, after the idle period: the notifier of every daemon subscribes to the server's
    # NotificationClosed signals, so other clients' prompts would wake the idle ones up.
    lat, deltas = None, []
    if not args.sni_only:
        samples = 1 if args.quick else args.prompts
        print(f"prompt latency ({samples} sample(s), about a minute each)...", flush=True)
        watch = NotifyWatch(procs, stack, workdir)
        lat = Daemon.make(
            "prompt latency",
            workdir,
            stack,
            config_text(True, interval=1, latency=True),
            backends[0] if has_adapter and backends else None,
        ).launch(procs, icons)
        deltas = prompt_latency(lat, watch, samples)
    spy = shutil.which("py-spy")
    for d, _ in daemons if spy else []:  # Python names of the OS threads (after the idle samples)
        done = subprocess.run(
            [spy, "dump", "--pid", str(d.proc.pid)], capture_output=True, text=True, timeout=30
        )
        names = [line.strip() for line in done.stdout.splitlines() if line.startswith("Thread ")]
        d.notes.append("py-spy threads: " + "; ".join(names or [done.stderr.strip()[:200]]))

    # Footprint rows.
    f = floor
    rows.append(
        Row(
            "floor: bare python -c sleep (clean venv): RSS / PSS / USS",
            f"{mb(f.end.rss_kb)} / {mb(f.end.pss_kb)} / {mb(f.end.uss_kb)}",
            "",
            "1x",
        )
    )
    rows.append(
        Row("floor: CPU / wake-ups", f"{f.rates.cpu_percent:.4f} % / {f.rates.switches_per_minute:.1f} /min")
    )
    for d, in_hours in daemons:
        rows += footprint_rows(d, f.end, idle, in_hours)
    for ref in references:
        rows += [row for row in footprint_rows(ref, f.end, idle, None) if "USS" not in row.figure]
    if peer is not None:
        rows += [row for row in footprint_rows(peer, f.end, idle, None) if "RSS" not in row.figure]
        rows += peer_rows([d for d, in_hours in daemons if in_hours], peer)
        rows += skeleton_rows(skeletons, peer)
        for m in [*(d for d, in_hours in daemons if in_hours), peer] if alone_ok else []:
            k = kernel[m.label]
            rows.append(
                Row(
                    f"{m.label}: the kernel's PSS / USS at idle (shared with anything on this machine)",
                    f"{mb(k.pss_kb)} / {mb(k.uss_kb)}",
                )
            )
        if sharing.sharers:
            libraries = ", ".join(sorted(Path(f).name for f in sharing.files))
            rows.append(
                Row(
                    "workrave (peer): its libraries mapped outside the bench too",
                    f"{libraries} (by {', '.join(sharing.sharers)})"
                    + (
                        "; not counted as shared (pages shared with the bench's desktops only)"
                        if alone_ok
                        else "; counted as shared by the kernel's figures: its PSS and USS read low"
                    ),
                )
            )
    else:
        rows.append(Row("workrave (peer)", "not measured: " + ", ".join(peer_missing() or ["no XFCE stack"])))
    rows += status_bar_rows(daemons, idle)

    # Start-up.
    for backend, first, later in startups:
        name = f"[{backend or 'default'}]"
        runs = [first, *later]
        rows.append(
            Row(
                f"launch -> status answers {name}: first run; then median of {len(later)}",
                f"{first.status_after:.3f} s; {seconds([d.status_after for d in later])}",
            )
        )
        if first.tray == "headless":
            rows.append(Row(f"launch -> icon docked {name}", "no icon (tray: headless)", f"<= {ICON_MAX} s"))
            continue
        icon_times = [d.icon_after for d in runs]
        rows.append(
            Row(
                f"launch -> icon docked {name}: first run; then median of {len(later)}",
                f"{seconds([first.icon_after])}; {seconds([d.icon_after for d in later])}",
                f"<= {ICON_MAX} s",
                "",
                all(t is not None and t <= ICON_MAX for t in icon_times),
            )
        )
    for ref in references:
        rows.append(
            Row(
                f"{ref.label}: launch -> icon docked (reference)",
                "none" if ref.icon_after is None else f"{ref.icon_after:.3f} s",
                f"<= {ICON_MAX} s",
                "",
                ref.icon_after is not None and ref.icon_after <= ICON_MAX,
            )
        )
    if args.sni_only:  # the SNI tray's own figures: its daemon's imports, then the details
        details += daemon_import_profile(procs, workdir, *host("sni"), "sni", rows)
        return rows, "\n".join(details + thread_details(measured[1:]))
    env = daemons[0][0].env
    status_wall = timed_cli(["status", "--short"], env, runs=5)
    rows.append(Row("`deskbreak status --short` wall time (median of 5)", f"{status_wall * 1000:.0f} ms"))
    bare = timed_cli(["--version"], env, runs=5)
    rows.append(Row("`deskbreak --version` wall time (median of 5)", f"{bare * 1000:.0f} ms"))
    app_imports = importtime(["-c", "import deskbreak.daemon.start"], env)
    status_imports = importtime(["-m", "deskbreak", "status", "--short"], env)
    for title, found in (
        ("import deskbreak.daemon.start", app_imports),
        ("python -m deskbreak status --short", status_imports),
    ):
        rows.append(
            Row(f"imports: {title}", f"{sum(r[0] for r in found) / 1000:.0f} ms, {len(found)} modules")
        )
        details += [*import_report(title, found), ""]
    for backend in dict.fromkeys(trays[:1] + trays[-1:]):  # the first pystray backend and the SNI tray
        details += daemon_import_profile(procs, workdir, *host(backend), backend, rows)

    # Prompt latency.
    rows.append(
        Row(
            "prompt: due instant -> Notify on the bus",
            ", ".join(f"{x:.3f}" for x in deltas) + " s" if deltas else "no prompt seen",
            f"<= {PROMPT_MAX} s",
            "",
            bool(deltas) and max(deltas) <= PROMPT_MAX,
        )
    )

    # Stats.
    whole, text = stats_figure()
    rows.append(
        Row(
            "stats over five years (24 prompts a work day)",
            f"{whole:.1f} ms" if whole else "?",
            "< 1000 ms",
            "",
            whole is not None and whole < 1000,
        )
    )
    details += ["bench/bench_stats.py:", *("    " + line for line in text.splitlines()), ""]

    details += thread_details([*measured[1:], lat])
    for note in lat.notes:
        details.append(f"prompt latency note: {note}")
    return rows, "\n".join(details)


def status_bar_rows(daemons: list[tuple[Daemon, bool]], idle: float) -> list[Row]:
    """`status --short` vs the floor, and a status bar's CPU per hour (bench/costs.py), against the
    first in-hours daemon, after the idle period (its idle CPU rate is known by then)."""
    d = next(d for d, in_hours in daemons if in_hours)
    assert d.rates is not None, f"{d.label}: no idle period measured"
    print(f"status bar costs against {d.label} ({costs.load_line()})...", flush=True)
    paired = costs.versus_floor(["status", "--short"], d.env)
    wrapped = costs.versus_floor(["status", "--short"], d.env, entry=costs.console_entry(pip_wrapper=True))
    poll = costs.polling_cost(d, d.rates.cpu_percent)
    print(f"status --follow against {d.label}: 2 x {costs.FOLLOW_SECONDS:.0f} s...", flush=True)
    follow = costs.follow_cost(d)
    daemon_idle = d.rates.cpu_percent / 100 * 3600
    return [
        Row(
            f"`status --short` vs bare `python -c pass` (paired, median of {paired.runs})",
            paired.line(),
            "<= 1.5x floor",
            f"{paired.wall / paired.floor_wall:.2f}x",
            paired.wall <= 1.5 * paired.floor_wall,
        ),
        Row(
            "`status --short` through pip's generated script (its `import re` first; uv's has none)",
            wrapped.line(),
            "",
            f"{wrapped.wall / wrapped.floor_wall:.2f}x",
        ),
        Row("load while measuring", costs.load_line()),
        Row(
            "status bar polling `status --short` every 5 s: CPU per hour",
            costs.percent_of_a_core(poll.per_hour(720))
            + f"; per call {poll.client_per_call * 1000:.1f} ms + daemon {poll.daemon_per_call * 1000:.2f} ms",
        ),
        Row(
            "status bar on `status --follow --short`: CPU per hour (measured, 60 lines an hour)",
            costs.percent_of_a_core(follow.per_hour(60))
            + f"; per line {follow.client_per_line * 1000:.2f} ms + daemon {follow.daemon_per_line * 1000:.2f} ms"
            + f" ({follow.lines} lines in {follow.seconds:.0f} s; daemon {follow.daemon_with:.2f} s with it,"
            + f" {follow.daemon_without:.2f} s without, in 10 ms ticks); start-up once a session"
            + f" {follow.start_up * 1000:.0f} ms",
        ),
        Row(f"{d.label}: its own idle CPU per hour", costs.percent_of_a_core(daemon_idle)),
    ]


def daemon_import_profile(
    procs: Procs, workdir: Path, stack, icons, backend: str | None, rows: list[Row]
) -> list[str]:
    """The daemon's own imports (lazy ones included): one more daemon, with PYTHONPROFILEIMPORTTIME."""
    probe = Daemon.make(
        f"daemon import profile [{backend or 'default'}]",
        workdir,
        stack,
        config_text(True),
        backend,
        PYTHONPROFILEIMPORTTIME="1",
    )
    probe.launch(procs, icons)
    time.sleep(1.0)
    with contextlib.suppress(NotRunning, ControlError):
        probe.request("quit")
    procs.stop(probe.proc)
    found = parse_importtime((probe.home / "daemon.log").read_text(errors="replace"))
    title = f"the daemon [{backend or 'default'}], start-up to idle (lazy imports included)"
    rows.append(Row(f"imports: {title}", f"{sum(r[0] for r in found) / 1000:.0f} ms, {len(found)} modules"))
    return [*import_report(title, found), ""]


def thread_details(measured: list[Daemon]) -> list[str]:
    details = []
    for m in measured:
        if m.rates is not None:
            details.append(
                f"{m.label}: tray {m.tray}; threads by context switches over {m.rates.seconds:.0f} s:"
            )
            details += ["    " + line for line in m.rates.thread_lines()]
            if m.rates.gone:
                details.append(f"    ended during the period: {', '.join(m.rates.gone)}")
        for note in m.notes:
            details.append(f"    note: {note}")
    return details


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--idle-seconds", type=float, default=120.0)
    parser.add_argument(
        "--quick",
        action="store_true",
        help="30 s idle, one backend, one prompt (a smoke run; figures are rougher)",
    )
    parser.add_argument(
        "--backends",
        help="the pystray backends to run, comma-separated (appindicator,gtk,xorg; default: every one"
        " that imports, the first with --quick)",
    )
    parser.add_argument("--prompts", type=int, default=2, help="prompt latency samples (a minute each)")
    parser.add_argument("--readme", action="store_true", help="write the table into bench/README.md")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (logs) after the run")
    parser.add_argument(
        "--sni-only",
        action="store_true",
        help="only the StatusNotifierItem tray (on xfce4-panel): floor, start-ups, footprint, imports",
    )
    args = parser.parse_args()
    if args.quick and args.idle_seconds == 120.0:
        args.idle_seconds = 30.0
    missing = missing_programs()
    if missing:
        print("cannot run the desktop stack: missing " + ", ".join(missing), file=sys.stderr)
        return 2
    command = "python bench/run.py " + " ".join(sys.argv[1:])
    header = (
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, Python {sys.version.split()[0]}, "
        f"{os.cpu_count()} cores, {os.uname().sysname} {os.uname().release}"
    )
    print(f"deskbreak bench: {header}", flush=True)
    workdir = Path(tempfile.mkdtemp(prefix="deskbreak-bench-"))
    procs, stack = Procs(), DesktopStack(workdir / "desktop")
    (workdir / "desktop").mkdir()
    sni = None if SniHost.missing() else SniHost(workdir / "xfce")
    if sni is None:
        print("no StatusNotifierItem host: missing " + ", ".join(SniHost.missing()), flush=True)

    def on_term(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_term)
    try:
        stack.start()
        if sni is not None:
            sni.start()
        rows, details = run(args, stack, procs, workdir, sni)
    finally:
        procs.stop_all()
        if sni is not None:
            sni.stop()
        stack.stop()
        if args.keep:
            print(f"logs kept in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    print()
    print(render(rows, markdown=False))
    print()
    print(details)
    if args.readme:
        section = "sni" if args.sni_only else "results"
        print(f"\nwritten to {write_readme(command.strip(), header, rows, details, section)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
