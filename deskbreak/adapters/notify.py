"""Which notifier to use, decided once at start-up, and the fallback chain that keeps prompts flowing.

Order: freedesktop D-Bus (Linux/BSD with a session bus) -> plyer (if it has a route here) -> log.
`DESKBREAK_NOTIFIER=freedesktop|plyer|log` puts that one first (the log stays behind it).
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from typing import Mapping, Sequence

from ..ports import ActionHandler, Notifier, NotifierError, Prompt

log = logging.getLogger(__name__)

NAMES = ("freedesktop", "plyer", "log")
ENV_OVERRIDE = "DESKBREAK_NOTIFIER"


class FallbackNotifier:
    """Shows each prompt with the first notifier of the chain that works.

    A failure falls through to the next notifier for that prompt; the switch is logged once, and
    the preferred notifier is tried again first on every prompt, so it takes over when it works
    again. Thread-safe; `name` and `has_actions` describe the notifier in use.
    """

    def __init__(self, chain: Sequence[Notifier]) -> None:
        if not chain:
            raise ValueError("an empty notifier chain")
        self.chain = tuple(chain)
        self._current = self.chain[0]
        self._lock = threading.Lock()

    @property
    def current(self) -> Notifier:
        return self._current

    @property
    def name(self) -> str:
        return self._current.name

    @property
    def has_actions(self) -> bool:
        return bool(self._current.has_actions)

    def show(self, prompt: Prompt) -> None:
        with self._lock:
            errors: list[str] = []
            for notifier in self.chain:
                try:
                    notifier.show(prompt)
                except NotifierError as exc:
                    errors.append(f"{notifier.name}: {exc}")
                    continue
                except Exception as exc:  # a bug in an adapter must not stop the prompts
                    log.debug("notifier %s crashed", notifier.name, exc_info=True)
                    errors.append(f"{notifier.name}: {type(exc).__name__}: {exc}")
                    continue
                self._use(notifier, errors)
                return
            raise NotifierError("no notifier could show the prompt (" + "; ".join(errors) + ")")

    def _use(self, notifier: Notifier, errors: list[str]) -> None:
        previous = self._current
        if notifier is previous:
            return
        if self.chain.index(notifier) > self.chain.index(previous):
            log.warning("notifications: %s; using %s until it works again", "; ".join(errors), notifier.name)
        else:
            log.info("notifications: %s works again", notifier.name)
        try:
            previous.withdraw()  # no stale prompt left behind on the old route
        except Exception:
            pass
        self._current = notifier

    def withdraw(self) -> None:
        with self._lock:
            try:
                self._current.withdraw()
            except Exception as exc:
                log.debug("withdraw via %s failed: %s", self._current.name, exc)

    def close(self) -> None:
        for notifier in self.chain:
            try:
                notifier.close()
            except Exception as exc:
                log.debug("closing %s failed: %s", notifier.name, exc)


def _session_bus(environ: Mapping[str, str]) -> str | None:
    return environ.get("DBUS_SESSION_BUS_ADDRESS") or None


def choose_notifier(
    on_action: ActionHandler,
    app_icon: str | None = None,
    environ: Mapping[str, str] = os.environ,
    *,
    platform: str | None = None,
) -> FallbackNotifier:
    """Build the notifier chain for this machine, log the choice once, and return it."""
    from .notify_freedesktop import FreedesktopNotifier
    from .notify_log import LogNotifier
    from .notify_plyer import PlyerNotifier

    platform = platform or sys.platform
    bus = _session_bus(environ)
    unix_desktop = not platform.startswith(("win", "cygwin", "darwin"))

    def build(name: str) -> tuple[Notifier, str]:
        if name == "freedesktop":
            n = FreedesktopNotifier(on_action, app_icon, bus_address=bus)
            server = FreedesktopNotifier.probe(bus) if bus else None
            if server:
                try:
                    n.connect()
                except NotifierError as exc:
                    log.debug("freedesktop connect: %s", exc)
            return n, server or "no server answering yet"
        if name == "plyer":
            n = PlyerNotifier(app_icon, platform=platform, environ=None if environ is os.environ else environ)
            return n, PlyerNotifier.probe(platform) or "no route"
        return LogNotifier(), "stderr"

    override = environ.get(ENV_OVERRIDE, "").strip().lower()
    if override and override not in NAMES:
        log.warning("%s=%r is not one of %s: choosing automatically", ENV_OVERRIDE, override, ", ".join(NAMES))
        override = ""
    if override:
        names = [override] if override == "log" else [override, "log"]
        why = f"{ENV_OVERRIDE}={override}"
    else:
        names = []
        if unix_desktop and bus:
            # Kept even when no server answers yet (a login race): it is retried on every prompt.
            names.append("freedesktop")
        if PlyerNotifier.probe(platform):
            names.append("plyer")
        names.append("log")
        why = "automatic"

    built = [build(n) for n in names]
    chain = FallbackNotifier([n for n, _ in built])
    log.info(
        "notifications (%s): %s", why, " -> ".join(f"{n.name} ({detail})" for n, detail in built)
    )
    return chain
