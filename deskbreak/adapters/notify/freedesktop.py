"""Notifications with action buttons over the freedesktop D-Bus API (Linux/BSD desktops), via jeepney.

`show` runs on the daemon's worker thread and blocks for at most a few D-Bus round trips, each with a
timeout. jeepney's router thread reads the connection; our daemon thread turns the server's
ActionInvoked / NotificationClosed signals for OUR notification into `on_action` calls (on that
thread). A missing, dead or hung server makes `show` raise NotifierError; the next `show` reconnects.
"""

from __future__ import annotations

import logging
import queue
import threading
from dataclasses import dataclass
from html import escape

from ...ports import DISMISSED, DONE, SHOW, SKIP, SNOOZE, ActionHandler, NotifierError, Prompt

log = logging.getLogger(__name__)

NAME = "org.freedesktop.Notifications"
PATH = "/org/freedesktop/Notifications"
IFACE = "org.freedesktop.Notifications"
SIGNALS = ("ActionInvoked", "NotificationClosed")
CLOSED_BY_USER = 2  # NotificationClosed reasons: 1 expired, 2 dismissed by the user, 3 CloseNotification, 4 other
ACTIONS = {"done": DONE, "snooze": SNOOZE, "skip": SKIP, "default": SHOW}
CALL_TIMEOUT = 2.0


@dataclass
class _Shown:
    id: int
    snooze_minutes: int
    sender: str  # the server's unique bus name: signals from anyone else are ignored
    answered: bool = False  # Done, Snooze or Skip chosen: ignore what follows
    opened: bool = False  # the body was clicked (SHOW): a close that follows is no dismissal


def _router(conn):
    """jeepney's DBusRouter, made quiet and observable when the bus goes away."""
    from jeepney.io.threading import DBusRouter

    class Router(DBusRouter):
        lost = False

        def _receiver(self):  # jeepney's reader thread lets a reset connection's error escape
            try:
                super()._receiver()
            except (OSError, EOFError, ValueError) as exc:
                log.debug("D-Bus connection lost: %s", exc)
            finally:
                self.lost = True

    return Router(conn)


def _server():
    from jeepney import DBusAddress

    return DBusAddress(PATH, bus_name=NAME, interface=IFACE)


class FreedesktopNotifier:
    name = "freedesktop"

    def __init__(
        self,
        on_action: ActionHandler,
        app_icon: str | None = None,
        *,
        bus_address: str | None = None,  # None: the session bus from DBUS_SESSION_BUS_ADDRESS
        timeout: float = CALL_TIMEOUT,
    ) -> None:
        self.has_actions = False  # known after the first successful show
        self._on_action = on_action
        self._app_icon = app_icon or ""
        self._bus = bus_address or "SESSION"
        self._timeout = timeout
        self._lock = threading.Lock()  # one show/withdraw/close at a time
        self._state = threading.Lock()  # guards _shown (shared with the signal thread)
        self._shown: _Shown | None = None
        self._router = None
        self._queue: queue.Queue | None = None

    @staticmethod
    def probe(bus_address: str | None = None, timeout: float = 1.0) -> str | None:
        """'name version' of the notification server answering on the session bus, else None."""
        try:
            from jeepney import new_method_call
            from jeepney.io.blocking import open_dbus_connection

            with open_dbus_connection(bus_address or "SESSION", auth_timeout=timeout) as conn:
                msg = new_method_call(_server(), "GetServerInformation")
                name, vendor, version, spec = conn.send_and_get_reply(msg, timeout=timeout).body
            return f"{name} {version}".strip()
        except Exception as exc:  # no bus, no server, wrong reply: all mean "not available"
            log.debug("no freedesktop notification server: %s", exc)
            return None

    @property
    def shown_id(self) -> int | None:
        """The server's id of our notification while it is on screen; None once it closed."""
        with self._state:
            return self._shown.id if self._shown else None

    def connect(self) -> None:
        """Connect now and learn whether the server has buttons (`has_actions`); NotifierError if not."""
        with self._lock:
            try:
                self._connect()
                self.has_actions = "actions" in self._call("GetCapabilities")[0]
            except (OSError, EOFError) as exc:
                self._disconnect()
                raise NotifierError(f"D-Bus session bus unreachable: {exc}") from exc

    # -- the port ---------------------------------------------------------------------------------
    def show(self, prompt: Prompt) -> None:
        with self._lock:
            fresh = self._router is None
            try:
                self._show(prompt)
            except (OSError, EOFError, ConnectionError) as exc:
                self._disconnect()
                if fresh:
                    raise NotifierError(f"D-Bus session bus unreachable: {exc}") from exc
                # The bus went away under an old connection: one retry on a new one.
                try:
                    self._show(prompt)
                except (OSError, EOFError, ConnectionError) as exc2:
                    self._disconnect()
                    raise NotifierError(f"D-Bus session bus unreachable: {exc2}") from exc2

    def withdraw(self) -> None:
        with self._lock:
            with self._state:
                shown, self._shown = self._shown, None
            if shown is None or self._router is None:
                return
            try:
                self._call("CloseNotification", "u", (shown.id,))
            except Exception as exc:  # gone already, or the server is: nothing to withdraw
                log.debug("CloseNotification(%d) failed: %s", shown.id, exc)

    def close(self) -> None:
        with self._lock:
            self._disconnect()

    # -- D-Bus --------------------------------------------------------------------------------------
    def _show(self, prompt: Prompt) -> None:
        self._connect()
        caps = set(self._call("GetCapabilities")[0])
        self.has_actions = "actions" in caps
        actions: list[str] = []
        if self.has_actions:
            actions = [
                "default", "Show stretch",
                "done", "Done",
                "snooze", f"Snooze {prompt.snooze_minutes} min",
                "skip", "Skip",
            ]
        body = escape(prompt.body, quote=False) if "body-markup" in caps else prompt.body
        hints = {
            "urgency": ("y", 1),
            "resident": ("b", False),
            "desktop-entry": ("s", "deskbreak"),
        }
        if prompt.icon_path:
            hints["image-path"] = ("s", prompt.icon_path)
        expire = prompt.timeout_seconds * 1000 if prompt.timeout_seconds > 0 else -1
        with self._state:
            replaces = self._shown.id if self._shown else 0
        reply = self._call(
            "Notify",
            "susssasa{sv}i",
            ("deskbreak", replaces, self._app_icon, prompt.title, body, actions, hints, expire),
            whole=True,
        )
        from jeepney import HeaderFields

        sender = reply.header.fields.get(HeaderFields.sender, "")
        with self._state:
            self._shown = _Shown(reply.body[0], prompt.snooze_minutes, sender)
        log.debug("notification %d shown by %s", reply.body[0], sender)

    def _call(self, method: str, signature: str | None = None, body: tuple = (), whole: bool = False):
        from jeepney import DBusErrorResponse, new_method_call
        from jeepney.io.common import RouterClosed

        msg = new_method_call(_server(), method, signature, body)
        try:
            reply = self._router.send_and_get_reply(msg, timeout=self._timeout)
        except TimeoutError as exc:
            raise NotifierError(f"notification server did not answer {method} within {self._timeout:g} s") from exc
        except RouterClosed as exc:
            raise ConnectionError("D-Bus connection closed") from exc
        if reply.header.message_type.name == "error":
            err = DBusErrorResponse(reply)
            if err.name in ("org.freedesktop.DBus.Error.ServiceUnknown", "org.freedesktop.DBus.Error.NameHasNoOwner"):
                raise NotifierError("no notification server on the D-Bus session bus")
            raise NotifierError(f"notification server refused {method}: {err.name}: {err.data}")
        return reply if whole else reply.body

    def _connect(self) -> None:
        if self._router is not None and self._router.lost:
            self._disconnect()
        if self._router is not None:
            return
        from jeepney import MatchRule, message_bus, new_method_call
        from jeepney.io.threading import open_dbus_connection

        try:
            conn = open_dbus_connection(self._bus, auth_timeout=self._timeout)
        except KeyError as exc:
            raise NotifierError("no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set)") from exc
        except Exception as exc:
            raise NotifierError(f"cannot connect to the D-Bus session bus: {exc}") from exc
        router = _router(conn)
        signals: queue.Queue = queue.Queue(maxsize=256)
        try:
            for member in SIGNALS:
                rule = MatchRule(type="signal", interface=IFACE, member=member, path=PATH)
                router.filter(rule, queue=signals)
                add = new_method_call(message_bus, "AddMatch", "s", (rule.serialise(),))
                reply = router.send_and_get_reply(add, timeout=self._timeout)
                if reply.header.message_type.name == "error":
                    raise NotifierError(f"the bus refused a match rule: {reply.body}")
        except NotifierError:
            self._drop(router, conn)
            raise
        except Exception as exc:
            self._drop(router, conn)
            raise NotifierError(f"cannot subscribe to notification signals: {exc}") from exc
        self._router, self._queue = router, signals
        threading.Thread(
            target=self._receive, args=(signals,), name="deskbreak-notify-signals", daemon=True
        ).start()

    def _disconnect(self) -> None:
        router, signals = self._router, self._queue
        self._router = self._queue = None
        with self._state:
            self._shown = None  # a new connection may meet a new server: ids start over
        if signals is not None:
            signals.put(None)  # stops the signal thread
        if router is not None:
            self._drop(router, router.conn)

    @staticmethod
    def _drop(router, conn) -> None:
        try:
            router.close()
        except Exception:
            pass
        try:
            conn.close()
        except Exception:
            pass

    # -- the signal thread ------------------------------------------------------------------------
    def _receive(self, signals: queue.Queue) -> None:
        while (msg := signals.get()) is not None:
            try:
                self._handle(msg)
            except Exception:
                log.exception("notification signal handler failed")

    def _handle(self, msg) -> None:
        from jeepney import HeaderFields

        member = msg.header.fields.get(HeaderFields.member)
        sender = msg.header.fields.get(HeaderFields.sender)
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
                action = ACTIONS.get(what)
                if action is None or shown.answered:
                    return
                if action == SHOW:
                    shown.opened = True  # the buttons may still be chosen afterwards
                else:
                    shown.answered = True
                arg = shown.snooze_minutes if action == SNOOZE else None
        log.debug("notification %d: %s", nid, action)
        self._on_action(action, arg)
