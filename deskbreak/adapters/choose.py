"""How every port chooses its backend at start-up, the one way (pystray's `backend()` is the model).

A port keeps a table of lazy imports (name -> "module:attribute" in its own package), the
candidates worth trying on each platform, best first, and an environment variable that overrides
them (`DESKBREAK_TRAY`, `DESKBREAK_NOTIFIER`, `DESKBREAK_IDLE_PROBE`, like `PYSTRAY_BACKEND`). Each
candidate is built in turn; a candidate that cannot work here raises, and why is kept. The result
is a `Choice`: the adapter, its name, what forced it, and every candidate that failed with its
reason, so `doctor` can say exactly what the daemon uses and why not the others.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from ..i18n import N_

T = TypeVar("T")


class Unavailable(Exception):
    """A candidate that cannot work here, for a reason known before trying (no bus, no display)."""


@dataclass(frozen=True)
class Failure:
    """A candidate that was tried and failed: its name and why, in one line."""

    name: str
    why: str

    def __str__(self) -> str:
        return f"{self.name}: {self.why}"


@dataclass(frozen=True)
class Choice(Generic[T]):
    """What a port's chooser decided: the adapter, its name, the override that forced it ("" when
    chosen automatically), and each candidate that failed before (or beside) it, in the order tried."""

    port: str
    name: str
    adapter: T
    forced: str = ""
    failures: tuple[Failure, ...] = ()

    def describe(self) -> str:
        """One line: 'tray: sni (DESKBREAK_TRAY=sni); not: pystray: no display'."""
        how = f" ({self.forced})" if self.forced else ""
        why_not = f"; not: {'; '.join(map(str, self.failures))}" if self.failures else ""
        return f"{self.port}: {self.name}{how}{why_not}"


def load(package: str, target: str) -> Any:
    """The attribute that `target` ("module:attribute") names in `package`, imported only now."""
    module, attribute = target.split(":")
    return getattr(importlib.import_module(f"{package}.{module}"), attribute)


def why_not(error: BaseException) -> str:
    """An exception as one line: the reason a candidate failed."""
    if isinstance(error, Unavailable):
        return str(error)
    text = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
    return text.splitlines()[0]


def override(environ: Mapping[str, str], variable: str, names: Iterable[str], log: logging.Logger) -> str:
    """The backend `variable` names (lower case), or "" when unset or unknown (an unknown one is
    logged and ignored: the chooser then decides by itself)."""
    wanted = environ.get(variable, "").strip().lower()
    names = tuple(names)
    if wanted and wanted not in names:
        log.warning("%s=%s is not one of %s: choosing automatically", variable, wanted, ", ".join(names))
        return ""
    return wanted


def first_that_works(
    names: Iterable[str], build: Callable[[str], T], log: logging.Logger
) -> tuple[str, T | None, tuple[Failure, ...]]:
    """Build each candidate in turn: (the first that built, its adapter, the failures before it), or
    ("", None, every failure) when none did."""
    failures: list[Failure] = []
    for name in names:
        try:
            return name, build(name), tuple(failures)
        except Exception as error:  # ImportError, no display, no bus, a refused name: the next one
            log.debug("%s unavailable", name, exc_info=not isinstance(error, Unavailable))
            failures.append(Failure(name, why_not(error)))
    return "", None, tuple(failures)


class Named(Protocol):
    name: str


N = TypeVar("N", bound=Named)


def first_or_null(
    port: str,
    environ: Mapping[str, str],
    variable: str,
    names: Iterable[str],
    candidates: Iterable[str],
    build: Callable[[str], N],
    null: Callable[[str], N],
    without: str,
    log: logging.Logger,
) -> Choice[N]:
    """The first of `candidates` that works here (or the one `variable` names); where none does, or
    `variable` says "none", the `null` adapter made with the reason. `without` says what the daemon
    does then (logged once with the reason); the caller logs what it chose."""
    forced = override(environ, variable, names, log)
    how = f"{variable}={forced}" if forced else ""
    if forced == "none":
        log.info("%s: none (%s); %s", port, variable, without)
        return Choice(port, "none", null(how), how)
    _name, chosen, failures = first_that_works((forced,) if forced else candidates, build, log)
    if chosen is None:
        reason = "; ".join(map(str, failures)) or N_("no backend for this platform")
        log.warning("no %s works here (%s); %s", port, reason, without)
        return Choice(port, "none", null(reason), how, failures)
    return Choice(port, chosen.name, chosen, how, failures)


def all_that_work(
    names: Iterable[str], build: Callable[[str], T], log: logging.Logger
) -> tuple[list[tuple[str, T]], tuple[Failure, ...]]:
    """Build every candidate (a fallback chain): the ones that built, in order, and the failures."""
    built: list[tuple[str, T]] = []
    failures: list[Failure] = []
    for name in names:
        try:
            built.append((name, build(name)))
        except Exception as error:  # as in first_that_works: listed, never fatal
            log.debug("%s unavailable", name, exc_info=not isinstance(error, Unavailable))
            failures.append(Failure(name, why_not(error)))
    return built, tuple(failures)
