"""A small disk of our own for the full-disk and read-only tests (root only: CI runs as root)."""

from __future__ import annotations

import errno
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest


def mount(args: list[str]) -> None:
    subprocess.run(["mount", *args], check=True, capture_output=True)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 512 KiB tmpfs of our own (root only: CI runs as root)."""
    where = tmp_path / "disk"
    where.mkdir()
    try:
        mount(["-t", "tmpfs", "-o", "size=512k", "tmpfs", str(where)])
    except (OSError, subprocess.CalledProcessError) as error:
        pytest.skip(f"cannot mount a tmpfs here: {error}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def fill(disk: Path) -> Path:
    filler = disk / "filler"
    with open(filler, "wb", buffering=0) as f:
        try:
            while True:
                f.write(b"\0" * 4096)
                f.flush()
        except OSError as error:
            assert error.errno == errno.ENOSPC
    return filler
