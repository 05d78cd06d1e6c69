"""The guided stretch window (tkinter): illustration, numbered steps, caution and a hold countdown.

Run in its own process, started by the daemon (`window_launcher`) or by hand:

    python -m deskbreak.adapters.window.guided --stretch seated-twist [--focus] [--menu-less] [--socket PATH]

so Tk never loads into the daemon. The buttons talk to the daemon over the control socket with the
CLI's commands (`done` with the seconds held, `snooze`, `skip`, `another`, `pause`, `resume`,
`status`); where no daemon answers, the window still works as a guide and says nothing is recorded.
The countdown is `guide.py`, fed by a ticker that reads an injectable clock every TICK_MS.
Keys: Enter done, S snooze, Esc skip, N another stretch, Space start/pause the timer. Keys count
only after KEY_DELAY without one since the window mapped: the window takes the focus, and a key
meant for another program, or held down, must not answer the prompt in its first instant.
The window fits the work area the window manager leaves free of panels, shrinking to fit.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from ...core import guide
from ...core.catalog import Catalog, Stretch
from ...i18n import N_, _
from . import theme as window_theme
from .availability import EXIT_BAD_INPUT, EXIT_NO_DISPLAY, EXIT_NO_TK

if TYPE_CHECKING:  # Tk loads in main(), so a missing tkinter is one clear line
    import tkinter

TICK_MS = 200
KEY_DELAY = timedelta(seconds=0.5)
TITLE_BAR = 36  # what a window manager's frame adds above the window, at 96 dpi
STATUS_EVERY_S = 5.0
NOT_RUNNING = N_("deskbreak is not running: this window is a guide only, nothing is recorded.")


class DaemonClient(Protocol):
    """What the window needs of the control socket's client: one request, its JSON reply."""

    def request(self, cmd: str, arg: Any = None) -> dict[str, Any]: ...


def monotonic_clock() -> datetime:
    """An instant that never jumps with the wall clock (and stops while the machine sleeps)."""
    return datetime.fromtimestamp(time.monotonic(), UTC)


class GuideWindow:
    """The window's shell: builds the widgets on `root`, ticks the guide, sends the user's answers."""

    def __init__(
        self,
        root: tkinter.Tk,
        stretch: Stretch,
        catalog: Catalog,
        client: DaemonClient | None,
        clock: Callable[[], datetime] = monotonic_clock,
        palette: window_theme.Palette | None = None,
        sound: bool = True,
        focus: bool = False,
        menu_less: bool = False,
    ):
        self.root, self.catalog, self.client, self.clock = root, catalog, client, clock
        self.palette = palette or window_theme.desktop_palette()
        self.sound, self.focus, self.menu_less = sound, focus, menu_less
        self.connected: bool | None = None  # None until the first answer
        self.status: dict[str, Any] = {}
        self.sent: list[tuple[str, Any]] = []
        self.closed = False
        self.paused_here = False  # reminders paused from this window (it stays open for Done)
        self._last_status = 0.0
        self._after: str | None = None
        self.keys_from: datetime | None = None  # set when the window maps
        self.ignored_keys = 0
        root.withdraw()
        self.scale = window_theme.scale_for(root.winfo_fpixels("1i"))
        self.area = self._area()
        from . import view as window_view

        self.view = window_view.View(self, self.palette, self.scale, self.area)
        self._refresh_status()
        self.show(stretch)
        self._place()
        root.protocol("WM_DELETE_WINDOW", self.close)  # closing is not a "done"
        self._after = root.after(TICK_MS, self._ticker)

    # --- the stretch and its countdown ---

    def show(self, stretch: Stretch) -> None:
        self.stretch = stretch
        self.state = guide.Guide(stretch)
        if self.focus:  # the user opened it: count in at once
            self.state = guide.start(self.state, self.clock())
        self.root.title(_(stretch.name))
        self.view.show_stretch(stretch)
        self.render()
        if self.keys_from is not None:  # another stretch, in a window already placed
            self._fit()

    def on_key(self, action: Callable[[], object]) -> None:
        """Run a key's action, unless the window mapped (or a key came) under KEY_DELAY ago."""
        now = self.clock()
        if self.keys_from is None or now < self.keys_from:
            self.ignored_keys += 1
            self.keys_from = now + KEY_DELAY  # a held key repeats: wait until it is let go
            return
        action()

    def tick(self) -> None:
        self.state, cues = guide.advance(self.state, self.clock())
        self.render()
        for cue in cues:
            self.view.flash()
            if self.sound and cue in guide.SOUNDED:
                self.root.bell()
        if self.connected and time.monotonic() - self._last_status >= STATUS_EVERY_S:
            self._refresh_status()
            self._close_if_answered_elsewhere()

    def _ticker(self) -> None:
        if self.closed:
            return
        self.tick()
        self._after = self.root.after(TICK_MS, self._ticker)

    def render(self) -> None:
        self.view.render(self.state, guide.seconds_left(self.state, self.clock()), guide.label(self.state))

    def toggle_timer(self) -> None:
        now = self.clock()
        if self.state.running:
            self.state, _cues = guide.pause(self.state, now)
        else:
            self.state = guide.resume(self.state, now)
        self.render()

    # --- answers, over the control socket ---

    def send(self, cmd: str, arg: Any = None) -> dict[str, Any] | None:
        """The daemon's reply; None (and the window says so) when no daemon answers."""
        from ...control_client import ControlError, NotRunning

        self.sent.append((cmd, arg))
        try:
            reply = self.client.request(cmd, arg) if self.client is not None else None
        except NotRunning:
            reply = None
        except (ControlError, OSError) as error:
            self.view.say(_("deskbreak did not answer: {error}").format(error=error))
            return {"ok": False, "error": str(error)}
        if reply is None:
            self.connected = False
            self.view.say(_(NOT_RUNNING))
            self.view.show_reminders(None)
            return None
        self.connected = True
        if cmd == "status" or "state" in reply:
            self.status = reply
            self.view.show_reminders(reply)
        return reply

    def done(self) -> None:
        # The stretch on screen is what the user did: the daemon records this one, never its next.
        answer: dict[str, Any] = {"stretch": self.stretch.id}
        if self.state.held > 0:
            answer["held_seconds"] = min(3600, guide.held_seconds(self.state))
        reply = self.send("done", answer)
        if reply is None or reply.get("ok"):
            self.close()
        else:
            # Translators: the guided window's line when the daemon did not record the stretch.
            self.view.say(reply.get("error", _("not recorded")))

    def snooze(self) -> None:
        reply = self.send("snooze")
        if reply is None:
            return
        if reply.get("ok"):
            self.close()
        else:
            # Translators: the guided window's line when the daemon did not snooze the prompt.
            self.view.say(reply.get("error", _("not snoozed")))

    def skip(self) -> None:
        reply = self.send("skip", {"stretch": self.stretch.id})  # no prompt, no daemon: just close
        if reply is None or reply.get("ok") or self._no_prompt_open():
            self.close()
        else:
            # Translators: the guided window's line when the daemon did not skip the prompt.
            self.view.say(reply.get("error", _("not skipped")))

    def _no_prompt_open(self) -> bool:
        """A refused skip with no prompt due is no failure: the window just closes. Asked of the
        daemon's state, never read from its error text, which is in the user's language."""
        status = self.send("status")
        return status is not None and status.get("state") not in ("due", "snoozed")

    def another(self) -> None:
        reply = self.send("another")
        stretch = None
        if reply and reply.get("ok") and reply.get("stretch"):
            stretch = self.catalog.get(reply["stretch"].get("id", ""))
        if stretch is None:  # no daemon, or no prompt to change: pick the next one here
            stretch = self._next_local()
        if stretch is not None:
            self.show(stretch)

    def _next_local(self) -> Stretch | None:
        chairs = [
            s for s in self.catalog.stretches if s.posture != "floor" or self.stretch.posture == "floor"
        ]
        ids = [s.id for s in chairs]
        if not chairs:
            return None
        here = ids.index(self.stretch.id) if self.stretch.id in ids else -1
        return chairs[(here + 1) % len(chairs)]

    def pause_reminders(self) -> None:
        paused = self.status.get("state") == "paused"
        self.paused_here = not paused  # the stretch stays on screen: Done still records it
        reply = self.send("resume" if paused else "pause")
        if reply is not None and not reply.get("ok"):
            # Translators: the guided window's line when the daemon refused to pause or resume.
            self.view.say(reply.get("error", _("refused")))
        self._refresh_status()

    def _refresh_status(self) -> None:
        self._last_status = time.monotonic()
        self.send("status")

    def _close_if_answered_elsewhere(self) -> None:
        """The prompt was answered in the notification, tray or CLI, and the timer was never used."""
        untouched = self.state.phase == guide.READY and not self.state.running
        if untouched and not self.paused_here and self.status.get("state") not in ("due", None):
            self.close()

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        if self._after is not None:
            self.root.after_cancel(self._after)
        self.root.destroy()

    # --- placement and focus ---

    def _area(self) -> window_theme.Rect:
        """The part of the pointer's monitor that panels leave free."""
        x, y = self.root.winfo_pointerxy()
        screen = (0, 0, self.root.winfo_screenwidth(), self.root.winfo_screenheight())
        display = self.root.winfo_screen()
        monitor = window_theme.monitor_at(x, y, window_theme.read_monitors(display), screen)
        return window_theme.usable_area(monitor, window_theme.read_workarea(display))

    def _fit(self) -> None:
        """Shrink to the area, less the frame the window manager adds, and stay inside it."""
        width, height = self.area[2], self.area[3]
        title_bar = round(TITLE_BAR * self.scale)
        self.view.fit(width - 2 * round(self.scale * 4), height - title_bar)
        root = self.root
        root.update_idletasks()
        x, y = window_theme.centred((root.winfo_reqwidth(), root.winfo_reqheight() + title_bar), self.area)
        root.geometry(f"+{x}+{y}")

    def _place(self) -> None:
        root = self.root
        self._fit()
        root.attributes("-topmost", True)
        if not self.focus:
            window_theme.no_focus_on_map(root.winfo_id(), root.winfo_screen())
        root.deiconify()
        self.keys_from = self.clock() + KEY_DELAY
        if self.focus:
            root.lift()
            root.focus_force()


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m deskbreak.adapters.window.guided", description="The guided stretch window"
    )
    parser.add_argument("--stretch", required=True, metavar="ID", help="the stretch to guide")
    parser.add_argument("--focus", action="store_true", help="take the keyboard focus (the user opened it)")
    parser.add_argument(
        "--menu-less", action="store_true", help="also carry Pause/Resume and the next prompt"
    )
    parser.add_argument("--socket", type=Path, help="the daemon's control socket")
    parser.add_argument("--config", type=Path, help="the config file (custom stretches, sound)")
    return parser.parse_args(argv)


def load_setup(config_path: Path | None) -> tuple[Catalog, bool]:
    """The catalog with the user's stretches, and whether cues may sound (defaults if unreadable)."""
    from ...assets import builtin_catalog
    from ...core import config as config_model
    from ...core.config_checks import ConfigError
    from ...store import config_file

    config = config_model.defaults()
    if config_path is not None:
        try:
            config = config_file.load(config_path)
        except ConfigError as error:
            first_line = str(error).splitlines()[0]
            print(_("deskbreak window: using defaults: {error}").format(error=first_line), file=sys.stderr)
    return builtin_catalog().for_user(config.stretches.level, config.stretches.custom), config.prompt.sound


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        import tkinter
    except ImportError:
        print(
            _("deskbreak: the guided window needs tkinter (Debian/Ubuntu: apt install python3-tk)"),
            file=sys.stderr,
        )
        return EXIT_NO_TK
    catalog, sound = load_setup(args.config)
    stretch = catalog.get(args.stretch)
    if stretch is None:
        known = ", ".join(catalog.ids())
        print(
            _("deskbreak: no stretch {id} (known: {ids})").format(id=repr(args.stretch), ids=known),
            file=sys.stderr,
        )
        return EXIT_BAD_INPUT
    from ...control_client import ControlClient
    from ...paths import default_paths

    try:
        root = tkinter.Tk(className="deskbreak")
    except tkinter.TclError as error:
        print(_("deskbreak: cannot open the guided window: {error}").format(error=error), file=sys.stderr)
        return EXIT_NO_DISPLAY
    client = ControlClient(args.socket or default_paths().socket_file)
    GuideWindow(root, stretch, catalog, client, sound=sound, focus=args.focus, menu_less=args.menu_less)
    root.mainloop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
