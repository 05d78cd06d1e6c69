"""The actions window: every tray-menu action as a button, for tray backends without a menu.

pystray's xorg backend has no menu, so its left click opens this window:
`python -m deskbreak.adapters.window.actions --snooze 5,10,20`. It runs in its own process (Tk stays
out of the daemon) and talks to the daemon over the control socket, like `deskbreak snooze`.
Buttons that make no sense in the current state are disabled; one action closes the window.
Keys: n now, d done, s snooze (first choice), k skip, p pause 30 min, r resume, Escape close.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any, Literal

from ...i18n import N_, _

if TYPE_CHECKING:  # Tk loads only in the window's own process
    import tkinter as tk

log = logging.getLogger(__name__)

# Translators: the title of the small window with every tray action as a button.
TITLE = N_("deskbreak actions")
# (label, the pause spec sent to the daemon): labels translated where shown, the tray menu's own texts.
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


def enabled(state: str) -> dict[str, bool]:
    """Which actions make sense in a `status` state (working, due, snoozed, paused, off)."""
    answering = state in ("due", "snoozed")
    return {
        "show": True,
        "done": answering,
        "snooze": answering,
        "skip": answering,
        "pause": state != "paused",
        "resume": state == "paused",
    }


def request(cmd: str, arg: Any = None) -> dict[str, Any]:
    from ...control_client import ControlClient, ControlError, NotRunning
    from ...paths import default_paths

    try:
        return ControlClient(default_paths().socket_file).request(cmd, arg)
    except NotRunning:
        return {"ok": False, "error": _("deskbreak is not running")}
    except ControlError as error:
        return {"ok": False, "error": str(error)}


def build(root: tk.Tk, status: dict[str, Any], snooze: list[int], send: Callable[[str, Any], None]) -> None:
    import tkinter as tk

    root.title(_(TITLE))
    can = enabled(str(status.get("state", "")))
    tk.Label(
        root,
        text=status.get("headline") or status.get("error", ""),
        font=("TkDefaultFont", 11, "bold"),
        padx=12,
        pady=6,
    ).pack(fill="x")

    def on_key(cmd: str, arg: Any) -> Callable[[object], None]:
        return lambda _event: send(cmd, arg)

    def row(label: str, buttons: list[tuple[str, str, Any, str | None]]) -> None:
        frame = tk.Frame(root, padx=8, pady=2)
        frame.pack(fill="x")
        if label:
            tk.Label(frame, text=label, width=7, anchor="w").pack(side="left")
        for text, cmd, arg, key in buttons:
            state: Literal["normal", "disabled"] = (
                "normal" if can.get(cmd, True) and status.get("ok", True) else "disabled"
            )
            tk.Button(frame, text=text, state=state, command=partial(send, cmd, arg)).pack(side="left")
            if key and state == "normal":
                root.bind(key, on_key(cmd, arg))

    # The guided window (prompt.window = "on_click"): the stretch due, or one now.
    # The labels are the tray menu's (one translation each); the keys stay as bound.
    stretch = _("Show stretch") if status.get("state") in ("due", "snoozed") else _("Stretch now")
    row("", [(stretch, "show", None, "n"), (_("Done"), "done", None, "d"), (_("Skip"), "skip", None, "k")])
    row(
        _("Snooze"),
        [
            (_("{minutes} min").format(minutes=m), "snooze", m, "s" if i == 0 else None)
            for i, m in enumerate(snooze)
        ],
    )
    row(
        _("Pause"),
        [(_(text), "pause", spec, "p" if i == 0 else None) for i, (text, spec) in enumerate(PAUSES)],
    )
    row(
        "",
        [
            (_("Resume"), "resume", None, "r"),
            (_("Edit schedule…"), "edit", None, None),
            (_("Reload schedule"), "reload", None, None),
            # Translators: button in the actions window: stop deskbreak.
            (_("Quit deskbreak"), "quit", None, None),
        ],
    )
    tk.Label(root, text=status.get("today_line", ""), padx=12, pady=6).pack(fill="x")
    root.bind("<Escape>", lambda event: root.destroy())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="deskbreak-actions")
    parser.add_argument("--snooze", default="5,10,20", help="snooze choices in minutes, comma-separated")
    args = parser.parse_args(argv)
    snooze = [int(m) for m in args.snooze.split(",") if m.strip().isdigit()]
    import tkinter as tk

    root = tk.Tk()
    status = request("status")
    message = tk.StringVar(root)

    def send(cmd: str, arg: Any) -> None:
        reply = request(cmd, arg)  # `edit` too: the daemon opens the editor, as for the tray's menu
        if reply.get("ok"):
            root.destroy()
        else:
            # Translators: the actions window's line when the daemon gave no reason for a refusal.
            message.set(str(reply.get("error", _("failed"))))

    build(root, status, snooze, send)
    tk.Label(root, textvariable=message, fg="#b00020").pack(fill="x")
    root.lift()
    root.focus_force()
    root.mainloop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
