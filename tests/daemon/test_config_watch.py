"""The config watcher against real files in tmp_path: each kind of save gives one call."""

from __future__ import annotations

import os
import sys
import threading
from typing import ClassVar

import pytest

from deskbreak.daemon import config_watch
from deskbreak.daemon.config_watch import Debouncer, InotifyWatcher, PollingWatcher, watch_config

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="inotify is Linux-only")


class Calls:
    def __init__(self) -> None:
        self.count = 0
        self.event = threading.Event()

    def __call__(self) -> None:
        self.count += 1
        self.event.set()

    def wait(self, timeout: float = 3.0) -> bool:
        hit = self.event.wait(timeout)
        self.event.clear()
        return hit


@pytest.fixture
def config(tmp_path):
    path = tmp_path / "conf" / "config.toml"
    path.parent.mkdir()
    path.write_text("[schedule]\n")
    return path


def watcher_for(path, calls, kind):
    if kind == "inotify":
        return InotifyWatcher(path, calls, debounce=0.05).start()
    return PollingWatcher(path, calls, interval=0.05).start()


KINDS = [pytest.param("inotify", marks=linux_only), "poll"]


@pytest.mark.parametrize("kind", KINDS)
def test_an_in_place_write_is_seen(config, kind):
    calls = Calls()
    watcher = watcher_for(config, calls, kind)
    try:
        config.write_text("[schedule]\ninterval_minutes = 40\n")
        assert calls.wait()
    finally:
        watcher.stop()


@pytest.mark.parametrize("kind", KINDS)
def test_an_atomic_rename_save_is_seen(config, kind):
    calls = Calls()
    watcher = watcher_for(config, calls, kind)
    try:
        temp = config.with_name(".config.toml.swp")
        temp.write_text("[schedule]\ninterval_minutes = 30\n")
        os.replace(temp, config)
        assert calls.wait()
    finally:
        watcher.stop()


@pytest.mark.parametrize("kind", KINDS)
def test_delete_then_recreate_is_seen_both_times(config, kind):
    calls = Calls()
    watcher = watcher_for(config, calls, kind)
    try:
        config.unlink()
        assert calls.wait()
        config.write_text("[schedule]\ninterval_minutes = 20\n")
        assert calls.wait()
    finally:
        watcher.stop()


@linux_only
def test_other_files_in_the_folder_are_ignored(config):
    calls = Calls()
    watcher = watcher_for(config, calls, "inotify")
    try:
        (config.parent / "notes.txt").write_text("hello")
        assert not calls.wait(0.3)
        config.write_text("x = 1\n")
        assert calls.wait()
    finally:
        watcher.stop()


@linux_only
def test_a_burst_of_saves_is_one_call(config):
    calls = Calls()
    watcher = InotifyWatcher(config, calls, debounce=0.3).start()
    try:
        for n in range(5):
            config.write_text(f"[schedule]\ninterval_minutes = {40 + n}\n")
        assert calls.wait()
        assert not calls.wait(0.5)
        assert calls.count == 1
    finally:
        watcher.stop()


@linux_only
def test_a_folder_that_does_not_exist_yet_is_waited_for(tmp_path):
    path = tmp_path / "later" / "deep" / "config.toml"
    calls = Calls()
    watcher = InotifyWatcher(path, calls, debounce=0.05).start()
    try:
        path.parent.mkdir(parents=True)
        path.write_text("[schedule]\n")
        assert calls.wait()
    finally:
        watcher.stop()


@linux_only
def test_a_folder_made_while_its_parents_watch_was_being_set_up_is_not_missed(tmp_path, monkeypatch):
    """`mkdir -p` makes folders in a burst: the next one down may appear after the watcher saw it
    missing but before its watch on the parent was in place, so no event ever reports it."""
    path = tmp_path / "later" / "deep" / "config.toml"
    real_add = config_watch._Inotify.add

    def add_late(inotify, directory, mask):
        if directory == tmp_path / "later":  # the folder below appears just before this watch is placed
            (tmp_path / "later" / "deep").mkdir()
        return real_add(inotify, directory, mask)

    monkeypatch.setattr(config_watch._Inotify, "add", add_late)
    calls = Calls()
    watcher = InotifyWatcher(path, calls, debounce=0.05).start()
    try:
        (tmp_path / "later").mkdir()
        assert not calls.wait(0.3)  # no config yet
        path.write_text("[schedule]\n")
        assert calls.wait()
    finally:
        watcher.stop()


@linux_only
def test_stop_ends_the_thread(config):
    watcher = InotifyWatcher(config, Calls(), debounce=0.05).start()
    watcher.stop()
    assert not watcher._thread.is_alive()


class ManualTimer:
    made: ClassVar[list[ManualTimer]] = []

    def __init__(self, seconds, fire):
        self.fire, self.cancelled, self.started = fire, False, False
        ManualTimer.made.append(self)

    def start(self):
        self.started = True

    def cancel(self):
        self.cancelled = True


def test_the_debouncer_fires_once_for_the_last_poke():
    ManualTimer.made = []
    calls = Calls()
    bouncer = Debouncer(calls, 0.3, ManualTimer)
    for _ in range(4):
        bouncer.poke()
    assert [t.cancelled for t in ManualTimer.made] == [True, True, True, False]
    ManualTimer.made[-1].fire()
    assert calls.count == 1


def test_watch_config_falls_back_to_polling_off_linux(config):
    watcher = watch_config(config, Calls(), platform="darwin", poll_interval=0.05)
    try:
        assert watcher.name == "poll"
    finally:
        watcher.stop()
