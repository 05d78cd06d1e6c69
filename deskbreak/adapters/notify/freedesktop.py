"""Notifications with action buttons over the freedesktop D-Bus API (Linux/BSD desktops), via jeepney.

`show` runs on the daemon's worker thread and blocks for at most a few D-Bus round trips, each with a
timeout. The connection (bus.py) has its own reader thread that matches replies by serial and drops
duplicate or stray ones (mako answers twice); our signal thread turns the server's ActionInvoked /
NotificationClosed signals for OUR notification into `on_action` calls (on that thread). A missing,
dead, hung or quirky server makes `show`/`connect` raise NotifierError, never anything else; the next
`show` reconnects. A server that restarts (a new owner of the name) forgets our notification.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ...i18n import _
from ...ports import DISMISSED, DONE, SHOW, SKIP, SNOOZE, ActionHandler, Notice, NotifierError, Prompt
from ..dbus import BusConnection, session_bus_address
from .markup import escape_markup
from .server import IFACE, NAME, PATH, server_info
from .server import server_address as _server

log = logging.getLogger(__name__)

SIGNATURES = {"ActionInvoked": "us", "NotificationClosed": "uu"}
SIGNALS = tuple(SIGNATURES)
REPLY_SIGNATURES = {"GetCapabilities": "as", "Notify": "u"}
DBUS_NAME = "org.freedesktop.DBus"
CLOSED_BY_USER = (
    2  # NotificationClosed reasons: 1 expired, 2 dismissed by the user, 3 CloseNotification, 4 other
)
ACTIONS = {"done": DONE, "snooze": SNOOZE, "skip": SKIP, "default": SHOW}
CALL_TIMEOUT = 2.0


@dataclass
class _Shown:
    id: int
    snooze_minutes: int
    sender: str  # the server's unique bus name: signals from anyone else are ignored
    answered: bool = False  # Done, Snooze or Skip chosen: ignore what follows
    opened: bool = False  # the body was clicked (SHOW): a close that follows is no dismissal


class FreedesktopNotifier:
    name = "freedesktop"

    def __init__(
        self,
        on_action: ActionHandler,
        app_icon: str | None = None,
        *,
        bus_address: str | None = None,  # None: the session bus (adapters/dbus.py finds it)
        timeout: float = CALL_TIMEOUT,
    ) -> None:
        self.has_actions = False  # known after the first successful show
        self._on_action = on_action
        self._app_icon = app_icon or ""
        self._bus = bus_address or session_bus_address() or "SESSION"
        self._timeout = timeout
        self._lock = threading.Lock()  # one show/withdraw/close at a time
        self._state = threading.Lock()  # guards _shown (shared with the signal thread)
        self._shown: _Shown | None = None
        self._conn: BusConnection | None = None
        self._queue: queue.Queue[Any] | None = None

    @staticmethod
    def probe(bus_address: str | None = None, timeout: float = 1.0) -> str | None:
        """'name version' of the notification server answering on the session bus, else None."""
        info = server_info(bus_address, timeout)
        return f"{info.name} {info.version}".strip() if info else None

    @property
    def shown_id(self) -> int | None:
        """The server's id of our notification while it is on screen; None once it closed."""
        with self._state:
            return self._shown.id if self._shown else None

    def connect(self) -> None:
        """Connect now and learn whether the server has buttons (`has_actions`); NotifierError if not."""
        with self._lock:
            self._guarded(self._capabilities)

    # -- the port ---------------------------------------------------------------------------------
    def show(self, prompt: Prompt) -> None:
        self._once_more_if_lost(self._show, prompt)

    def notify(self, notice: Notice) -> None:
        """A notice of its own (it never replaces the prompt): no actions, so no buttons and no
        default action; its id is not kept, so its signals are ignored and `withdraw` leaves it."""
        self._once_more_if_lost(self._notify, notice)

    def _once_more_if_lost(self, step: Callable[..., object], *args: object) -> None:
        """Run `step` guarded; when the bus went away under an old connection, one retry on a new
        one. Anything else, or a second loss, is a NotifierError."""
        with self._lock:
            fresh = self._conn is None
            try:
                self._guarded(step, *args)
            except _Lost as exc:
                if fresh:
                    raise NotifierError(str(exc)) from exc.__cause__
                try:
                    self._guarded(step, *args)
                except _Lost as exc2:
                    raise NotifierError(str(exc2)) from exc2.__cause__

    def _guarded(self, step: Callable[..., object], *args: object) -> None:
        """Run `step`; whatever the bus or the server does comes out as NotifierError (or _Lost, a
        NotifierError too, when the connection is gone), never as another exception."""
        try:
            step(*args)
        except NotifierError:
            raise
        except (OSError, EOFError, ConnectionError) as exc:  # ConnectionError is an OSError
            self._disconnect()
            raise _Lost(f"D-Bus session bus unreachable: {exc}") from exc
        except Exception as exc:  # a reply of the wrong shape, a jeepney surprise: never the daemon's problem
            log.debug("notification call failed", exc_info=True)
            self._disconnect()
            raise NotifierError(f"notification server: {type(exc).__name__}: {exc}") from exc

    def withdraw(self) -> None:
        with self._lock:
            with self._state:
                shown, self._shown = self._shown, None
            if shown is None or self._conn is None:
                return
            try:
                self._call("CloseNotification", "u", (shown.id,))
            except Exception as exc:  # gone already, or the server is: nothing to withdraw
                log.debug("CloseNotification(%d) failed: %s", shown.id, exc)

    def close(self) -> None:
        with self._lock:
            self._disconnect()

    # -- D-Bus --------------------------------------------------------------------------------------
    def _capabilities(self) -> set[str]:
        self._connect()
        caps = {str(c) for c in self._call("GetCapabilities")[0]}
        self.has_actions = "actions" in caps
        return caps

    def _show(self, prompt: Prompt) -> None:
        caps = self._capabilities()
        actions: list[str] = []
        if self.has_actions:
            # The body's click ("default") opens the guided window; where none can open it is left
            # out, so a click does not just bring the same bubble back. Keys stay as sent over D-Bus;
            # only the labels are translated.
            # Translators: the notification's default action (a click on it): open the guided window.
            actions = ["default", _("Show stretch")] if prompt.opens_window else []
            actions += [
                "done",
                # Translators: button on the stretch notification: the user has done the stretch.
                _("Done"),
                "snooze",
                # Translators: button on the stretch notification: ask again in this many minutes.
                _("Snooze {minutes} min").format(minutes=prompt.snooze_minutes),
                "skip",
                # Translators: button on the stretch notification (verb): skip this stretch.
                _("Skip"),
            ]
        with self._state:
            replaces = self._shown.id if self._shown else 0
        reply = self._send(
            caps, replaces, prompt.title, prompt.body, prompt.icon_path, prompt.timeout_seconds, actions
        )
        from jeepney import HeaderFields

        sender = reply.header.fields.get(HeaderFields.sender, "")
        with self._state:
            self._shown = _Shown(reply.body[0], prompt.snooze_minutes, sender)
        log.debug("notification %d shown by %s", reply.body[0], sender)

    def _notify(self, notice: Notice) -> None:
        caps = self._capabilities()
        reply = self._send(caps, 0, notice.title, notice.body, notice.icon_path, notice.timeout_seconds, [])
        log.debug("notice %d shown: %s", reply.body[0], notice.title)

    def _send(
        self,
        caps: set[str],
        replaces: int,
        title: str,
        body: str,
        icon_path: str | None,
        timeout_seconds: int,
        actions: list[str],
    ) -> Any:
        """One Notify call; its whole reply (the id, and the sender our signals must come from)."""
        text = escape_markup(body) if "body-markup" in caps else body
        hints = {
            "urgency": ("y", 1),
            "resident": ("b", False),
            "desktop-entry": ("s", "deskbreak"),
        }
        if icon_path:
            hints["image-path"] = ("s", icon_path)
        expire = timeout_seconds * 1000 if timeout_seconds > 0 else -1
        return self._call(
            "Notify",
            "susssasa{sv}i",
            ("deskbreak", replaces, self._app_icon, title, text, actions, hints, expire),
            whole=True,
        )

    def _call(
        self, method: str, signature: str | None = None, body: tuple[Any, ...] = (), whole: bool = False
    ) -> Any:
        from jeepney import DBusErrorResponse, HeaderFields, new_method_call

        msg = new_method_call(_server(), method, signature, body)
        if self._conn is None:
            raise _Lost("D-Bus session bus unreachable: not connected")
        try:
            reply = self._conn.call(msg, timeout=self._timeout)
        except TimeoutError as exc:
            raise NotifierError(
                f"notification server did not answer {method} within {self._timeout:g} s"
            ) from exc
        if reply.header.message_type.name == "error":
            err = DBusErrorResponse(reply)
            if err.name in (
                "org.freedesktop.DBus.Error.ServiceUnknown",
                "org.freedesktop.DBus.Error.NameHasNoOwner",
            ):
                raise NotifierError("no notification server on the D-Bus session bus")
            raise NotifierError(f"notification server refused {method}: {err.name}: {err.data}")
        got = reply.header.fields.get(HeaderFields.signature, "")
        if method in REPLY_SIGNATURES and got != REPLY_SIGNATURES[method]:
            raise NotifierError(
                f"notification server answered {method} with {got or 'nothing'!r}, "
                f"not {REPLY_SIGNATURES[method]!r}"
            )
        return reply if whole else reply.body

    def _connect(self) -> None:
        if self._conn is not None and self._conn.lost:
            self._disconnect()
        if self._conn is not None:
            return
        from jeepney import MatchRule, message_bus, new_method_call

        signals: queue.Queue[Any] = queue.Queue(maxsize=256)
        try:
            conn = BusConnection(self._bus, signals, auth_timeout=self._timeout)
        except KeyError as exc:
            raise NotifierError("no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set)") from exc
        except Exception as exc:
            raise NotifierError(f"cannot connect to the D-Bus session bus: {exc}") from exc
        rules = [MatchRule(type="signal", interface=IFACE, member=m, path=PATH) for m in SIGNALS]
        # the server going away or being replaced: our notification is gone with it
        owner = MatchRule(type="signal", sender=DBUS_NAME, interface=DBUS_NAME, member="NameOwnerChanged")
        owner.add_arg_condition(0, NAME)
        rules.append(owner)
        try:
            for rule in rules:
                add = new_method_call(message_bus, "AddMatch", "s", (rule.serialise(),))
                reply = conn.call(add, timeout=self._timeout)
                if reply.header.message_type.name == "error":
                    raise NotifierError(f"the bus refused a match rule: {reply.body}")
        except NotifierError:
            conn.close()
            raise
        except Exception as exc:
            conn.close()
            raise NotifierError(f"cannot subscribe to notification signals: {exc}") from exc
        self._conn, self._queue = conn, signals
        threading.Thread(
            target=self._receive, args=(signals,), name="deskbreak-notify-signals", daemon=True
        ).start()

    def _disconnect(self) -> None:
        conn, signals = self._conn, self._queue
        self._conn = self._queue = None
        with self._state:
            self._shown = None  # a new connection may meet a new server: ids start over
        if signals is not None:
            try:
                signals.put_nowait(None)  # stops the signal thread
            except queue.Full:
                threading.Thread(target=signals.put, args=(None,), daemon=True).start()
        if conn is not None:
            conn.close()

    # -- the signal thread ------------------------------------------------------------------------
    def _receive(self, signals: queue.Queue[Any]) -> None:
        while (msg := signals.get()) is not None:
            try:
                self._handle(msg)
            except Exception:
                log.exception("notification signal handler failed")

    def _handle(self, msg: Any) -> None:
        from jeepney import HeaderFields

        member = msg.header.fields.get(HeaderFields.member)
        sender = msg.header.fields.get(HeaderFields.sender)
        if member == "NameOwnerChanged":
            self._owner_changed(sender, msg.body)
            return
        if msg.header.fields.get(HeaderFields.signature) != SIGNATURES.get(member):
            return  # not a signal as the spec describes it: ignore rather than guess
        nid, what = msg.body
        with self._state:
            shown = self._shown
            if shown is None or nid != shown.id or (shown.sender and sender != shown.sender):
                return  # another client's notification, or an old one of ours
            if member == "NotificationClosed":
                self._shown = None
                if shown.answered or shown.opened or what != CLOSED_BY_USER:
                    return  # expired, withdrawn, or closed after a button or the body was clicked
                action, arg = DISMISSED, None
            else:
                chosen = ACTIONS.get(what)
                if chosen is None or shown.answered:
                    return
                action = chosen
                if action == SHOW:
                    shown.opened = True  # the buttons may still be chosen afterwards
                else:
                    shown.answered = True
                arg = shown.snooze_minutes if action == SNOOZE else None
        log.debug("notification %d: %s", nid, action)
        self._on_action(action, arg)

    def _owner_changed(self, sender: str | None, body: tuple[Any, ...]) -> None:
        if sender != DBUS_NAME or len(body) != 3 or body[0] != NAME:
            return
        with self._state:
            shown = self._shown
            if shown is None or body[2] == shown.sender:
                return
            self._shown = None  # its server is gone: nothing left to withdraw or replace
        log.info(
            "notification server %s: our notification %d went with it",
            "restarted" if body[2] else "stopped",
            shown.id,
        )


class _Lost(NotifierError):
    """The connection went away during a call (a retry on a new connection may work)."""
