"""The heap's release (adapters/memory.py): glibc's calls made as the daemon needs them, nothing
elsewhere, and python-xlib's extension table narrowed to what the daemon's process uses."""

from __future__ import annotations

import sys

import pytest

from deskbreak.adapters.memory import (
    ARENAS,
    M_ARENA_MAX,
    GlibcHeap,
    KeptHeap,
    heap_for_platform,
    load_only_used_x_extensions,
)


class FakeLibc:
    def __init__(self, mallopt_result: int = 1) -> None:
        self.calls: list[tuple[str, tuple[int, ...]]] = []
        self._mallopt_result = mallopt_result

    def mallopt(self, param: int, value: int) -> int:
        self.calls.append(("mallopt", (param, value)))
        return self._mallopt_result

    def malloc_trim(self, pad: int) -> int:
        self.calls.append(("malloc_trim", (pad,)))
        return 1


def test_the_glibc_heap_caps_the_arenas_and_trims_with_no_padding():
    libc = FakeLibc()
    heap = GlibcHeap(libc.mallopt, libc.malloc_trim)
    heap.limit_arenas()
    heap.trim()
    assert libc.calls == [("mallopt", (M_ARENA_MAX, ARENAS)), ("malloc_trim", (0,))]


def test_a_refused_arena_cap_is_not_an_error():
    libc = FakeLibc(mallopt_result=0)
    GlibcHeap(libc.mallopt, libc.malloc_trim).limit_arenas()
    assert libc.calls == [("mallopt", (M_ARENA_MAX, ARENAS))]


@pytest.mark.parametrize("platform", ["win32", "darwin", "freebsd14"])
def test_elsewhere_the_heap_is_left_alone(platform):
    heap = heap_for_platform(platform)
    assert isinstance(heap, KeptHeap)
    heap.limit_arenas()
    heap.trim()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc is a Linux fact")
def test_on_this_linux_the_real_calls_run():
    import platform

    heap = heap_for_platform()
    expected = "glibc" if platform.libc_ver()[0] == "glibc" else "none"
    assert heap.name == expected  # type: ignore[attr-defined]
    heap.trim()  # the real malloc_trim: returns, changes nothing the process can see


def test_no_extension_is_set_up_on_a_display_opened_by_python_xlib():
    table = [("MIT-SCREEN-SAVER", "screensaver"), ("RANDR", "randr"), ("XInputExtension", "xinput")]
    load_only_used_x_extensions(table)
    assert table == []


def test_without_a_display_python_xlib_is_not_touched(monkeypatch):
    monkeypatch.delenv("DISPLAY", raising=False)
    before = set(sys.modules)
    load_only_used_x_extensions()
    assert not {m for m in set(sys.modules) - before if m.startswith("Xlib")}
