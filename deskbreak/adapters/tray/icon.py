"""The tray icon with pystray: the state's picture (pictures.py), a menu on backends that have one.

The backend is pystray's choice (appindicator, gtk, xorg; `PYSTRAY_BACKEND` overrides), or an Icon
given by the caller (sni.py's StatusNotifierItem, which shares this menu and these actions). Menu texts,
enabled flags and the default action read the latest TrayView, so `update_menu()` refreshes them.

Left click (the default action), by state: paused -> "resume", else "show" (the stretch due, or
a stretch now, in the guided window: `prompt.window = "on_click"`); "Stretch now" opens the
guided window too. pystray's xorg backend has no menu: there a left click opens the actions
window (every menu action, as buttons) instead, and xorg.py and tooltip.py mend its docking,
drawing and missing tooltip.

On X11 a DockWatch (dock.py) checks that the icon really docked, at a visible size, and docks it
again if not, also after the tray host restarts.

Threads: `run` owns the main thread (the toolkit loop); `update` and `stop` come from any thread.
Menu clicks call `on_command` on the loop thread (daemon/start.py hands them to a worker thread).
"""

from __future__ import annotations

import dataclasses
import logging
import os
import subprocess
import sys
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ...i18n import N_, _
from ...ports import CommandHandler, TrayView
from .model import pystray_base
from .pictures import Pictures, picture_key

if TYPE_CHECKING:
    from .dock import DockWatch

log = logging.getLogger(__name__)

# The Pause submenu: (label, the pause spec sent as the command's argument). Labels are translated
# when the menu is built (the language is chosen after imports); specs stay as the daemon reads them.
PAUSES = (
    # Translators: tray menu, Pause submenu: pause the reminders for 30 minutes.
    (N_("30 min"), "30m"),
    # Translators: tray menu, Pause submenu: pause the reminders for 1 hour.
    (N_("1 h"), "1h"),
    # Translators: tray menu, Pause submenu: pause the reminders for 2 hours.
    (N_("2 h"), "2h"),
    # Translators: tray menu, Pause submenu: pause the reminders until tomorrow morning.
    (N_("Until tomorrow"), "tomorrow"),
    # Translators: tray menu, Pause submenu: pause the reminders until the user resumes them.
    (N_("Until I resume"), "forever"),
)
STARTING = TrayView(
    "off", 0.0, "deskbreak", N_("Today: no stretches yet"), (5, 10, 20), True, False, True, False
)


def default_command(view: TrayView) -> str:
    """The most useful thing a left click can do in this state."""
    return {"paused": "resume"}.get(view.phase, "show")


class PystrayTray:
    def __init__(
        self,
        on_command: CommandHandler,
        icon_factory: Callable[..., Any] | None = None,
        takes_pixmaps: bool = False,
    ) -> None:
        """`icon_factory` makes the pystray Icon (default: pystray's own backend; sni.py passes SniIcon).
        `takes_pixmaps`: the Icon takes a pictures.Picture (its ARGB bytes), not a Pillow image."""
        if icon_factory is None:
            import pystray  # raises Xlib errors (not ImportError) without a display: adapters/tray/__init__.py catches them

            icon_factory = pystray.Icon
        self._on_command = on_command
        self._pictures = Pictures.shipped()
        self._takes_pixmaps = takes_pixmaps
        # The daemon's first update replaces it at once; until then its line reads in the user's language.
        self.view = dataclasses.replace(STARTING, today_line=_(STARTING.today_line))
        self._key = picture_key(STARTING.phase, STARTING.progress)
        self._lock = threading.Lock()
        self._watch: DockWatch | None = None
        self._stopping = threading.Event()
        self._xorg_closed: threading.Event | None = None
        self._window: subprocess.Popen[bytes] | None = None
        self._said_no_window = False  # the actions window could not open: said once
        self._icon: Any = icon_factory(
            "deskbreak", self._picture(STARTING), STARTING.title, menu=self._menu()
        )
        self.name = type(self._icon).__module__.rsplit(".", 1)[-1].lstrip("_")
        self.has_menu = bool(self._icon.HAS_MENU)
        if self.name == "xorg":
            from .tooltip import add_tooltip
            from .xorg import fix_clicks, fix_docking, fix_drawing, route_calls

            fix_clicks(self._icon)
            fix_docking(self._icon)
            fix_drawing(self._icon)
            add_tooltip(self._icon)  # after fix_clicks: it adds to the event mask set there
            self._xorg_closed = route_calls(self._icon)

    def _picture(self, view: TrayView) -> Any:
        """The view's picture as the Icon takes it: a Picture, or a Pillow image for pystray's own."""
        picture = self._pictures.picture(view.phase, view.progress)
        return picture if self._takes_pixmaps else picture.image()

    # --- the menu ---

    def _menu(self) -> Any:  # a pystray Menu
        base = pystray_base()
        Menu, Item = base.Menu, base.MenuItem

        def view() -> TrayView:  # every callable reads the latest view
            return self.view

        # Built when the tray starts, after the language is chosen: the labels are translated here.
        return Menu(
            # Never shown (invisible): the left click's action, so its label stays untranslated.
            Item("Default", self._default, default=True, visible=False),
            # The guided window, as prompt.window = "on_click" promises (it falls back to a
            # notification where no window can open).
            # Translators: tray menu: open the guided window for a stretch right now.
            Item(_("Stretch now"), self._do("show"), enabled=lambda item: view().can_stretch_now),
            # The stretch due (or snoozed) in the guided window: the menu's way to it while
            # "Stretch now" is greyed, beside the left click.
            # Translators: tray menu: open the stretch that is due in the guided window.
            Item(_("Show stretch…"), self._do("show"), enabled=lambda item: view().can_answer),
            # Translators: tray menu: the user has done the stretch that is due.
            Item(_("Done"), self._do("done"), enabled=lambda item: view().can_answer),
            Item(
                # Translators: tray menu: a submenu of delays; ask again about this stretch later.
                _("Snooze"),
                Menu(
                    lambda: (
                        # Translators: tray menu, Snooze submenu: ask again in this many minutes.
                        Item(_("{minutes} min").format(minutes=m), self._do("snooze", m))
                        for m in view().snooze_choices
                    )
                ),
                enabled=lambda item: view().can_answer,
            ),
            # Translators: tray menu (verb): the user skips the stretch that is due.
            Item(_("Skip"), self._do("skip"), enabled=lambda item: view().can_answer),
            Item(
                # Translators: tray menu (verb): a submenu of how long to pause the reminders.
                _("Pause"),
                Menu(*(Item(_(text), self._do("pause", spec)) for text, spec in PAUSES)),
                enabled=lambda item: view().can_pause,
            ),
            # Translators: tray menu (verb): resume the paused reminders.
            Item(_("Resume"), self._do("resume"), enabled=lambda item: view().can_resume),
            Menu.SEPARATOR,
            Item(lambda item: view().today_line, None, enabled=False),
            Menu.SEPARATOR,
            # Translators: tray menu: open the config file (the schedule) in an editor.
            Item(_("Edit schedule…"), self._do("edit")),
            # Translators: tray menu: read the config file (the schedule) again.
            Item(_("Reload schedule"), self._do("reload")),
            # Translators: tray menu: stop deskbreak.
            Item(_("Quit"), self._do("quit")),
        )

    def _do(self, name: str, arg: object | None = None) -> Callable[[], None]:
        return lambda: self._command(name, arg)

    def _command(self, name: str, arg: object | None = None) -> None:
        log.info("tray: %s%s", name, f" {arg}" if arg is not None else "")
        self._on_command(name, arg)

    def _default(self) -> None:
        if not self.has_menu:
            self.open_actions_window()
        else:
            self._command(default_command(self.view))

    def open_actions_window(self) -> None:
        """The small window with every action (for backends without a menu); one at a time. Where it
        cannot open (no tkinter, Tk cannot reach the display) the click does the state's default
        action instead (a prompt with buttons, or resume), and the log says why once."""
        from ..window.availability import unavailable_reason

        with self._lock:
            if self._window is not None and self._window.poll() is None:
                return
            reason = unavailable_reason(os.environ)
            if reason:
                self._actions_window_failed(reason)
                return
            choices = ",".join(str(m) for m in self.view.snooze_choices)
            log.info("tray: opening the actions window")
            self._window = subprocess.Popen(
                [sys.executable, "-m", "deskbreak.adapters.window.actions", "--snooze", choices],
                stdin=subprocess.DEVNULL,
            )
            threading.Thread(target=self._watch_actions_window, args=(self._window,), daemon=True).start()

    def _watch_actions_window(self, proc: subprocess.Popen[bytes]) -> None:
        from ..window.availability import exit_reason

        reason = exit_reason(proc.wait())
        if reason:
            self._actions_window_failed(reason)

    def _actions_window_failed(self, reason: str) -> None:
        if not self._said_no_window:
            self._said_no_window = True
            log.warning("no actions window: %s; a click does the default action instead", reason)
        self._command(default_command(self.view))

    # --- the Tray port ---

    def update(self, view: TrayView) -> None:
        with self._lock:
            self.view = view
            key = picture_key(view.phase, view.progress)
            if key != self._key:
                self._key = key
                self._icon.icon = self._picture(view)
            self._icon.title = view.title
        self._icon.update_menu()

    def run(self, on_ready: Callable[[], None]) -> None:
        def setup(icon: Any) -> None:
            if self._stopping.is_set():  # stopped (a signal) before the loop ran: end it now
                icon.stop()
                return
            icon.visible = True
            if not self._stopping.is_set():
                self._keep_ctrl_c()
                self._start_watch()
                on_ready()

        if self._stopping.is_set():
            return
        self._icon.run(setup=setup)
        if self._watch is not None:
            self._watch.stop()

    def _keep_ctrl_c(self) -> None:
        """pystray's GTK loop resets SIGINT to the default (kill at once, no clean-up); route it
        through GLib to the daemon's SIGTERM handler instead, so Ctrl-C stops it cleanly."""
        if self.name not in ("gtk", "appindicator"):
            return
        import signal

        from gi.repository import GLib

        def interrupted() -> bool:
            os.kill(os.getpid(), signal.SIGTERM)
            return False

        GLib.unix_signal_add(GLib.PRIORITY_HIGH, signal.SIGINT, interrupted)

    def stop(self) -> None:
        """Never blocks: it may run in a signal handler on the loop's own thread, and pystray's
        stop waits for the setup thread, which may be waiting for that loop."""
        if self._stopping.is_set():
            return
        self._stopping.set()
        if self._watch is not None:
            self._watch.stop()
        if self._xorg_closed is not None:
            self._xorg_closed.set()
        threading.Thread(target=self._icon.stop, name="deskbreak-tray-stop", daemon=True).start()

    # --- X11 details ---

    def _window_id(self) -> int:
        if self.name == "xorg":
            return int(self._icon._window.id)
        from gi.repository import GLib

        found: list[int] = []
        ready = threading.Event()

        def ask() -> bool:
            try:
                found.append(int(self._icon._status_icon.get_x11_window_id()))
            finally:
                ready.set()
            return False

        GLib.idle_add(ask)
        return found[0] if ready.wait(2.0) and found else 0

    def _start_watch(self) -> None:
        if self.name not in ("xorg", "gtk") or not os.environ.get("DISPLAY"):
            return
        from .dock import DockWatch

        try:
            self._watch = DockWatch(self._window_id).start()
        except Exception as error:  # the icon works without it; docking is just not checked
            log.warning("not checking that the tray icon docks: %s", error)
