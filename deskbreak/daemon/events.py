"""The daemon's event stream: the hub the daemon publishes to, and one bounded queue per subscriber.

Threads: the daemon publishes under its own lock (from `_apply`, `_arm`, `reload`, start and stop);
publishing only appends to each subscriber's queue under the hub's short lock and never touches a
socket, so a slow or stuck reader cannot delay the daemon. Each subscriber's connection thread
(daemon/control.py) takes the lines from its queue and writes them. A full queue drops its oldest
line and counts it; the reader is told with a `dropped` line before the lines that follow.
"""

from __future__ import annotations

import os
import threading
from collections import deque
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta, tzinfo
from typing import Any, Literal

from .. import __version__
from ..core import events as core_events
from ..core import protocol
from ..core.catalog import Catalog
from ..core.outlook import Outlook
from ..core.state import State, Transition

Topic = Literal["follow", "events"]
Line = dict[str, Any]

QUEUE_LINES = 256  # lines a subscriber may fall behind before its oldest are dropped
MAX_SUBSCRIBERS = 32  # followers and event readers together (apart from the request slots)
PROGRESS_EVERY = timedelta(minutes=1)  # a follower hears of progress alone at most this often


class Subscription:
    """One reader's queue: bounded, the oldest line dropped first, the drops counted."""

    def __init__(self, topic: Topic, limit: int = QUEUE_LINES, shape: Callable[[Line], Line] | None = None):
        self.topic = topic
        self._limit = limit
        self._shape = shape  # applied on the reader's thread, not the daemon's
        self._lines: deque[Line] = deque()
        self._dropped = 0
        self._dropped_time: Any = None  # the time of the newest line dropped
        self._closed = False
        self._ready = threading.Condition(threading.Lock())

    def offer(self, line: Line) -> None:
        with self._ready:
            if self._closed:
                return
            if len(self._lines) >= self._limit:
                lost = self._lines.popleft()
                self._dropped += 1
                self._dropped_time = lost.get("time", self._dropped_time)
            self._lines.append(line)
            self._ready.notify()

    def take(self, timeout: float) -> list[Line] | None:
        """The lines waiting (a `dropped` line first when some were lost), waiting up to `timeout`
        for one; [] when none came; None once closed and drained."""
        with self._ready:
            if not self._lines and not self._dropped and not self._closed:
                self._ready.wait(timeout)
            lines, self._lines = list(self._lines), deque()
            dropped, self._dropped = self._dropped, 0
            if not lines and not dropped and self._closed:
                return None
        shaped = [self._shape(line) for line in lines] if self._shape else lines
        if dropped:
            note = {
                "schema": protocol.EVENTS_SCHEMA,
                "event": protocol.EVENT_DROPPED,
                "time": self._dropped_time,
            }
            shaped.insert(0, {**note, "count": dropped})
        return shaped

    def close(self) -> None:
        """No more lines: the reader sends what is queued, then ends."""
        with self._ready:
            self._closed = True
            self._ready.notify_all()


class EventHub:
    """Where the daemon publishes; subscribers come and go from the control socket's threads."""

    def __init__(
        self,
        queue_lines: int = QUEUE_LINES,
        max_subscribers: int = MAX_SUBSCRIBERS,
        progress_every: timedelta = PROGRESS_EVERY,
    ):
        self.queue_lines = queue_lines
        self.max_subscribers = max_subscribers
        self.progress_every = progress_every
        self._guard = threading.Lock()
        self._subscriptions: list[Subscription] = []
        self._last_status: Mapping[str, Any] | None = None
        self._last_status_at: datetime | None = None
        self._started: Line | None = None  # the `daemon_started` line, once published
        self._closed = False

    # --- subscribers (control socket threads) ---

    def subscribe(self, topic: Topic, shape: Callable[[Line], Line] | None = None) -> Subscription | None:
        """A new queue on `topic`, or None when MAX_SUBSCRIBERS read already (or the hub closed)."""
        with self._guard:
            if self._closed or len(self._subscriptions) >= self.max_subscribers:
                return None
            subscription = Subscription(topic, self.queue_lines, shape)
            self._subscriptions.append(subscription)
            if topic == "events" and self._started is not None:
                subscription.offer(self._started)
            return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        subscription.close()
        with self._guard:
            if subscription in self._subscriptions:
                self._subscriptions.remove(subscription)

    def close(self) -> None:
        """The daemon stops: every reader sends what is queued (`daemon_stopping`) and ends."""
        with self._guard:
            self._closed = True
            subscriptions, self._subscriptions = self._subscriptions, []
        for subscription in subscriptions:
            subscription.close()

    # --- the daemon's side (under its lock) ---

    def publish(self, name: str, now: datetime, zone: tzinfo, **fields: Any) -> None:
        self._send("events", core_events.event(name, now, zone, **fields))

    def started(self, now: datetime, zone: tzinfo) -> None:
        """The daemon is ready. Kept: every later reader of `events` gets it first (with its own
        time), so a script that connects after the start still learns which daemon, since when."""
        line = core_events.event(protocol.EVENT_STARTED, now, zone, pid=os.getpid(), version=__version__)
        with self._guard:
            self._started = line
            readers = [subscription for subscription in self._subscriptions if subscription.topic == "events"]
        for subscription in readers:
            subscription.offer(line)

    def stopping(self, now: datetime, zone: tzinfo) -> None:
        self.publish(protocol.EVENT_STOPPING, now, zone, pid=os.getpid())

    def transition(
        self, before: State, transition: Transition, now: datetime, zone: tzinfo, catalog: Catalog
    ) -> None:
        """The events of one applied transition of the schedule (nothing computed without readers)."""
        if self._has("events"):
            for line in core_events.of_transition(before, transition, now, zone, catalog):
                self._send("events", line)

    def reloaded(self, reply: Mapping[str, Any], now: datetime, zone: tzinfo) -> None:
        self._send("events", core_events.of_reload(reply, now, zone))

    def status(self, look: Outlook, fields: Callable[[Outlook], dict[str, Any]]) -> None:
        """The daemon's status after an event: followers get it when it is news (`fields(look)` is
        only called while someone follows)."""
        if not self._has("follow"):
            return
        now, current = look.now, fields(look)
        with self._guard:
            if not core_events.status_is_news(
                self._last_status, self._last_status_at, current, now, self.progress_every
            ):
                return
            self._last_status, self._last_status_at = current, now
        self._send("follow", current)

    def _has(self, topic: Topic) -> bool:
        with self._guard:
            return any(subscription.topic == topic for subscription in self._subscriptions)

    def _send(self, topic: Topic, line: Line) -> None:
        with self._guard:
            readers = [subscription for subscription in self._subscriptions if subscription.topic == topic]
        for subscription in readers:
            subscription.offer(line)
