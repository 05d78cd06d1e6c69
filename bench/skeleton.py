"""The least a CPython tray daemon of deskbreak's design holds, idle: the bench's reference for what
Python itself costs before deskbreak does anything of its own.

It loads what every part of that design needs and nothing of deskbreak's but its timer (APScheduler,
loaded the light way the daemon loads it), then idles: logging to a file, frozen dataclasses and
typing's Protocol (the ports), tomllib (the config), json (the control protocol), gettext (the
languages), datetime with zoneinfo (the schedule), an open sqlite3 history, a control socket served
by a thread, a D-Bus session connection (jeepney, the StatusNotifierItem tray's bus) read by a
thread, and one armed timer. With `--xembed` the tray is pystray's icon on its xorg backend (the
XEmbed tray, which pystray draws with Pillow) instead of the bare bus connection.
`python skeleton.py CONFIG LOGFILE DBFILE SOCKET [--xembed]` prints "ready".
"""

from __future__ import annotations

import gettext
import json
import logging
import socket
import sqlite3
import sys
import threading
import tomllib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Protocol
from zoneinfo import ZoneInfo

from jeepney.io.blocking import open_dbus_connection

from deskbreak.daemon.timer import Timer


class Port(Protocol):
    def sample(self) -> float: ...


@dataclass(frozen=True)
class Settings:
    interval_minutes: int
    zone: str


def main(config: Path, log_file: Path, db: Path, control: Path, xembed: bool) -> None:
    logging.basicConfig(filename=log_file, level=logging.INFO)
    doc = tomllib.loads(config.read_text("utf-8"))
    settings = Settings(int(doc.get("schedule", {}).get("interval_minutes", 45)), "UTC")
    gettext.translation("deskbreak", fallback=True).gettext("ready")
    history = sqlite3.connect(db, check_same_thread=False)
    history.execute("CREATE TABLE IF NOT EXISTS prompts (at TEXT, outcome TEXT)")
    history.execute("INSERT INTO prompts VALUES (?, ?)", (datetime.now(UTC).isoformat(), "done"))
    history.commit()
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(control))
    server.listen()

    def serve() -> None:
        while True:
            conn, _ = server.accept()
            with conn:
                conn.sendall(json.dumps({"ok": True, "interval": settings.interval_minutes}).encode() + b"\n")

    bus = open_dbus_connection(bus="SESSION")

    def read_bus() -> None:
        while True:
            bus.receive()

    threading.Thread(target=serve, daemon=True, name="control").start()
    threading.Thread(target=read_bus, daemon=True, name="dbus-reader").start()
    zone = ZoneInfo(settings.zone)
    timer = Timer(lambda: logging.info("due"))
    timer.arm(datetime.now(zone) + timedelta(minutes=settings.interval_minutes))
    logging.info("ready")
    if xembed:
        import pystray
        from PIL import Image

        icon = pystray.Icon("skeleton", Image.new("RGBA", (32, 32), (0, 150, 136, 255)), "skeleton")
        icon.run(setup=lambda icon: (setattr(icon, "visible", True), print("ready", flush=True)))
        return
    print("ready", flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    main(*map(Path, sys.argv[1:5]), xembed="--xembed" in sys.argv[5:])
