"""A lagging sync engine between two folders, for tests: it copies each machine's file to the
other folder late, first cut in the middle of a line, then whole (each time by a rename, a new
inode, as Syncthing does), and leaves a conflict copy of each file it copies behind once."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path


class LaggingCopy:
    """`LaggingCopy(a, b, delay).start()`; `stop()`. Copies `a`'s own files to `b` and back."""

    def __init__(self, a: Path, b: Path, delay: float = 0.5) -> None:
        self.a, self.b, self.delay = a, b, delay
        self._stop = threading.Event()
        self._conflicted: set[str] = set()
        self._thread = threading.Thread(target=self._run, name="lagging-copy", daemon=True)
        self.copies = 0  # whole copies made

    def start(self) -> LaggingCopy:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)

    def _run(self) -> None:
        while not self._stop.wait(self.delay):  # the engine's lag: it is what is simulated here
            for source, target in ((self.a, self.b), (self.b, self.a)):
                for path in sorted(source.glob("*.jsonl")):
                    if ".sync-conflict-" not in path.name and self._written_here(path, target):
                        self._copy(path, target / path.name)

    @staticmethod
    def _written_here(path: Path, other: Path) -> bool:
        """The source's own file: newer there, or not in the other folder yet."""
        copy = other / path.name
        return not copy.exists() or path.stat().st_size > copy.stat().st_size

    def _copy(self, source: Path, target: Path) -> None:
        data = source.read_bytes()
        half = data[: max(0, len(data) - 7)]  # cut inside the last line
        self._replace(target, half)
        if self._stop.wait(self.delay / 2):
            return
        self._replace(target, data)
        self.copies += 1
        if target.name not in self._conflicted:
            self._conflicted.add(target.name)
            conflict = target.with_name(f"{target.stem}.sync-conflict-20261123-120000-TEST.jsonl")
            shutil.copyfile(source, conflict)
            os.chmod(conflict, 0o600)

    @staticmethod
    def _replace(target: Path, data: bytes) -> None:
        temp = target.with_name(f".syncthing.{target.name}.tmp")
        temp.write_bytes(data)
        os.chmod(temp, 0o600)
        os.replace(temp, target)
