"""APScheduler loaded without asyncio, the metadata scan and multiprocessing (the daemon's timer,
about 13 MB less RSS): it still fires jobs, and a later import of each gets the real module."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

CHECK = textwrap.dedent("""
    import sys, threading
    from datetime import datetime, timedelta, timezone
    from deskbreak.daemon.timer import load

    STUBBED = ("importlib.metadata", "multiprocessing", "concurrent.futures.process")
    before = {name for name in STUBBED if name in sys.modules}
    BackgroundScheduler, ThreadPoolExecutor, DateTrigger = load()
    print("asyncio loaded:", "asyncio" in sys.modules)
    print("loaded since:", sorted({name for name in STUBBED if name in sys.modules} - before))
    fired = threading.Event()
    scheduler = BackgroundScheduler(executors={"default": ThreadPoolExecutor(1)}, timezone=timezone.utc)
    scheduler.start()
    scheduler.add_job(fired.set, DateTrigger(run_date=datetime.now(timezone.utc) + timedelta(seconds=0.05)))
    print("fired:", fired.wait(5))
    scheduler.shutdown()
    import asyncio
    print("real asyncio:", hasattr(asyncio, "run"))
    import importlib.metadata, multiprocessing, concurrent.futures
    print("real metadata:", importlib.metadata.version("APScheduler").startswith("3."))
    print("real multiprocessing:", hasattr(multiprocessing, "get_context"))
    print("real process pool:", concurrent.futures.ProcessPoolExecutor.__module__)
""")


def run(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_scheduler_fires_without_asyncio_and_asyncio_stays_importable():
    out = run(CHECK)
    if sys.version_info < (3, 14):
        assert "asyncio loaded: False" in out
    assert "loaded since: []" in out
    assert "fired: True" in out
    assert "real asyncio: True" in out
    assert "real metadata: True" in out
    assert "real multiprocessing: True" in out
    assert "real process pool: concurrent.futures.process" in out


def test_with_asyncio_already_loaded_the_plain_import_runs():
    out = run("import asyncio\n" + CHECK)
    assert "asyncio loaded: True" in out
    assert "fired: True" in out


def test_the_timer_fires_once_at_the_instant_armed_last():
    from datetime import UTC, datetime, timedelta

    from deskbreak.daemon.timer import Timer

    fired: list[datetime] = []
    done = threading.Event()

    def on_fire() -> None:
        fired.append(datetime.now(UTC))
        done.set()

    timer = Timer(on_fire)
    try:
        timer.arm(datetime.now(UTC) + timedelta(hours=1))
        armed = datetime.now(UTC)
        timer.arm(armed + timedelta(seconds=0.2))  # replaces the hour
        assert done.wait(5)
        assert len(fired) == 1 and fired[0] >= armed + timedelta(seconds=0.2)
    finally:
        timer.close()


def test_a_stopped_timer_fires_no_more_and_ignores_arm():
    from datetime import UTC, datetime, timedelta

    from deskbreak.daemon.timer import Timer

    fired = threading.Event()
    timer = Timer(fired.set)
    timer.arm(datetime.now(UTC) + timedelta(seconds=0.3))
    timer.stop()
    timer.arm(datetime.now(UTC))
    assert not fired.wait(1)
    timer.close()  # after stop: nothing left to release, and no error


def test_the_daemon_names_no_apscheduler():
    source = (ROOT / "deskbreak" / "daemon" / "service.py").read_text()
    assert "apscheduler" not in source.lower() and "add_job" not in source
