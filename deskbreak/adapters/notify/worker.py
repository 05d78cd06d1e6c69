"""A notifier that never makes its caller wait: the daemon's lock is never held while a server thinks.

The daemon shows and withdraws prompts while it holds its lock (the core's effects are applied in
one step), so a notification server that hangs (stopped, swapping, wedged) would freeze every
command on the control socket for as long as the D-Bus timeouts and the fallback chain take. This
wrapper queues each call and returns at once; a worker thread of its own runs the calls in order.

Bounds: the queue keeps the last QUEUE_CAPACITY calls (an older unsent call is dropped: a prompt
that could not be shown by then is stale anyway). A call still running after `timeout` seconds is
abandoned: the worker moves on to the next one (the stuck call's thread finishes or not on its own),
and the stall is logged once until a call succeeds in time again. At most MAX_ABANDONED stuck calls
are left running; beyond that, calls are dropped until one of them returns, so a server that never
answers cannot pile up threads.

Threads: `show`, `withdraw` and `close` may be called from any thread; the wrapped notifier is
called from the worker's call threads only, one call at a time unless a call was abandoned.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from dataclasses import dataclass, field

from ...ports import Notice, Notifier, NotifierError, Prompt

log = logging.getLogger(__name__)

CALL_TIMEOUT = 5.0  # seconds before a call to the notification server is given up on
QUEUE_CAPACITY = 4
MAX_ABANDONED = 2
SHOW, NOTIFY, WITHDRAW = "show", "notify", "withdraw"


@dataclass
class _Call:
    kind: str
    prompt: Prompt | None = None
    notice: Notice | None = None
    finished: threading.Event = field(default_factory=threading.Event)
    abandoned: bool = False


class NotifierWorker:
    """Wraps a Notifier so that `show` and `withdraw` return at once (see the module's docstring)."""

    def __init__(
        self,
        inner: Notifier,
        timeout: float = CALL_TIMEOUT,
        capacity: int = QUEUE_CAPACITY,
        max_abandoned: int = MAX_ABANDONED,
    ) -> None:
        self.inner = inner
        self.timeout = timeout
        self._max_abandoned = max_abandoned
        self._calls: deque[_Call] = deque(maxlen=capacity)
        self._wake = threading.Condition()  # guards _calls, _closed, _abandoned, _stalled
        self._closed = False
        self._abandoned = 0  # abandoned calls still running
        self._stalled = False  # the last call was abandoned: logged once, until one succeeds
        self._idle = threading.Event()  # nothing queued and no call running (tests, close)
        self._idle.set()
        self._thread = threading.Thread(target=self._run, name="deskbreak-notify", daemon=True)
        self._thread.start()

    # -- the port ---------------------------------------------------------------------------------
    @property
    def name(self) -> str:
        return self.inner.name

    @property
    def has_actions(self) -> bool:
        return bool(getattr(self.inner, "has_actions", False))

    def show(self, prompt: Prompt) -> None:
        self._submit(_Call(SHOW, prompt))

    def notify(self, notice: Notice) -> None:
        self._submit(_Call(NOTIFY, notice=notice))

    def withdraw(self) -> None:
        self._submit(_Call(WITHDRAW))

    def close(self) -> None:
        """Stop the worker (queued calls are dropped) and close the wrapped notifier, waiting at most
        `timeout` for it: a hung server must not hold up the daemon's exit. Calls already queued
        (the withdrawal of the prompt on screen, at quit) run first, within the same bound."""
        self.wait_idle(self.timeout)
        with self._wake:
            self._closed = True
            self._calls.clear()
            self._wake.notify_all()  # the worker ends after the call it runs, if any
        closing = _Call("close")
        self._start(closing)
        if not closing.finished.wait(self.timeout):
            log.warning(
                "the notification server did not let go within %g s: not waiting for it", self.timeout
            )

    def wait_idle(self, timeout: float) -> bool:
        """True once every queued call has run (or was abandoned) within `timeout` seconds."""
        return self._idle.wait(timeout)

    # -- the worker -------------------------------------------------------------------------------
    def _submit(self, call: _Call) -> None:
        with self._wake:
            if self._closed:
                return
            if len(self._calls) == self._calls.maxlen:
                dropped = self._calls[0]
                log.info("notifications are backed up: an unsent %s was dropped", dropped.kind)
            self._calls.append(call)
            self._idle.clear()
            self._wake.notify()

    def _run(self) -> None:
        while True:
            with self._wake:
                while not self._calls and not self._closed:
                    self._idle.set()
                    self._wake.wait()
                if self._closed:
                    self._idle.set()
                    return
                call = self._calls.popleft()
                stuck = self._abandoned >= self._max_abandoned
            if stuck:
                log.debug("the notification server is still stuck: a %s was dropped", call.kind)
                continue
            self._start(call)
            if call.finished.wait(self.timeout):
                self._answered_in_time()
                continue
            with self._wake:
                if call.finished.is_set():  # it finished just as the wait ran out
                    continue
                call.abandoned = True
                self._abandoned += 1
                first = not self._stalled
                self._stalled = True
            if first:
                log.warning(
                    "the notification server did not answer within %g s: that %s was given up on; "
                    "deskbreak goes on (the tray and `deskbreak status` still show what is due)",
                    self.timeout,
                    call.kind,
                )

    def _answered_in_time(self) -> None:
        with self._wake:
            was_stalled, self._stalled = self._stalled, False
        if was_stalled:
            log.info("the notification server answers again")

    def _start(self, call: _Call) -> None:
        threading.Thread(
            target=self._perform, args=(call,), name="deskbreak-notify-call", daemon=True
        ).start()

    def _perform(self, call: _Call) -> None:
        try:
            if call.kind == SHOW:
                assert call.prompt is not None
                self.inner.show(call.prompt)
            elif call.kind == NOTIFY:
                assert call.notice is not None
                self.inner.notify(call.notice)
            elif call.kind == WITHDRAW:
                self.inner.withdraw()
            else:
                self.inner.close()
        except NotifierError as error:
            if call.kind == SHOW and call.prompt is not None:
                log.warning("prompt for %s not shown: %s", call.prompt.title or "a notice", error)
            else:
                log.debug("notification %s failed: %s", call.kind, error)
        except Exception:  # a bug in an adapter must not end the worker
            log.debug("notification %s crashed", call.kind, exc_info=True)
        finally:
            with self._wake:
                call.finished.set()
                if call.abandoned:
                    self._abandoned -= 1
