"""Issue 15 on the real X11 stack (Xvfb, D-Bus, dunst, trayer --widthtype request), with the real
`deskbreak run`: the xorg icon keeps its size, alpha and aspect through now/skip cycles, a
collapsed icon is docked again, the icon has a tooltip, the notification shows the stretch's
picture and caution, its click opens the guided window whose Done records the stretch on
screen, and "Stretch now" opens the guided window."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest
from daemon_run import DaemonRun, private_env
from desktop_stack import wait_for

pytestmark = pytest.mark.desktop

OUTPUT = Path(__file__).resolve().parents[2] / "output"
ALL_DAY = '["00:00-24:00"]'
CONFIG = """[schedule]
interval_minutes = 60
min_minutes_before_end = 0
prompt_timeout_minutes = 30
""" + "".join(f"{day} = {ALL_DAY}\n" for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun"))
MIN_SIDE = 16  # px: trayer's icons here are 24 wide; a collapsed one is 1


class Daemon(DaemonRun):
    def __init__(self, desktop, home: Path, backend: str = "xorg") -> None:
        self.desktop, self.home = desktop, home
        env = private_env(
            desktop.env,
            home,
            {"PYSTRAY_BACKEND": backend, "DESKBREAK_IDLE_PROBE": "none"},
            unset=("VISUAL", "EDITOR"),
        )
        super().__init__(env, home / f"daemon-{backend}.log")
        self.start()

    def icon(self) -> int:
        def docked():
            assert self.proc.poll() is None, self.log_text()[-2000:]
            return self.desktop.tray_clients()

        return wait_for(docked, "the icon to dock", 10)[0]


@pytest.fixture
def daemon(desktop, tmp_path):
    (tmp_path / "cfg" / "deskbreak").mkdir(parents=True)
    (tmp_path / "cfg" / "deskbreak" / "config.toml").write_text(CONFIG)
    (tmp_path / "run").mkdir(mode=0o700)
    started: list[Daemon] = []

    def start(backend: str = "xorg") -> Daemon:
        started.append(Daemon(desktop, tmp_path, backend))
        return started[-1]

    yield start
    for one in started:
        one.stop()
    desktop.dunstctl("close-all")
    # The guided windows the daemon started run on in sessions of their own: close their X
    # connections (XKillClient), so that no Tk app of class deskbreak outlives the test.
    for window in visible(desktop, "--class", "^deskbreak$"):
        subprocess.run(["xdotool", "windowkill", window], env=desktop.env, capture_output=True)
    wait_for(lambda: not visible(desktop, "--class", "^deskbreak$"), "the guided windows to close")


def geometry(desktop, window: int | str) -> tuple[int, int, int, int]:
    out = subprocess.run(
        ["xdotool", "getwindowgeometry", "--shell", str(window)],
        env=desktop.env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    values = dict(line.split("=", 1) for line in out.split())
    return int(values["X"]), int(values["Y"]), int(values["WIDTH"]), int(values["HEIGHT"])


def visible(desktop, *query: str) -> list[str]:
    return subprocess.run(
        ["xdotool", "search", "--onlyvisible", *query], env=desktop.env, capture_output=True, text=True
    ).stdout.split()


def shot(desktop, name: str):
    from PIL import Image

    OUTPUT.mkdir(exist_ok=True)
    return Image.open(desktop.screenshot(OUTPUT / name)).convert("RGB")


def dock_request(desktop, window: int) -> None:
    """The dock request pystray used to send on every icon update (the cause of the collapse)."""
    from Xlib import X
    from Xlib.protocol import event

    d = desktop.xdisplay()
    try:
        owner = d.get_selection_owner(d.intern_atom("_NET_SYSTEM_TRAY_S0"))
        message = event.ClientMessage(
            window=owner,
            client_type=d.intern_atom("_NET_SYSTEM_TRAY_OPCODE"),
            data=(32, [X.CurrentTime, 0, window, 0, 0]),
        )
        owner.send_event(message, event_mask=X.NoEventMask)
        d.flush()
    finally:
        d.close()


# --- point 2: the xorg icon ---


def test_the_xorg_icon_keeps_its_size_alpha_and_aspect_through_now_skip_cycles(desktop, daemon):
    run = daemon("xorg")
    icon = run.icon()
    run.wait_log("tray icon docked")
    x, y, width, height = geometry(desktop, icon)
    picture = shot(desktop, "xorg-icon-before.png").crop((x, y, x + width, y + height))
    for cycle in range(6):
        assert run.cli("now").returncode == 0
        wait_for(lambda: run.status()["state"] == "due", "the prompt")
        time.sleep(0.3)  # the icon is redrawn on the loop thread
        assert geometry(desktop, icon)[2] >= MIN_SIDE, f"collapsed after now #{cycle + 1}"
        due = shot(desktop, f"xorg-icon-due-{cycle}.png").crop((x, y, x + width, y + height))
        assert run.cli("skip").returncode == 0
        time.sleep(0.3)
        assert geometry(desktop, icon)[2] >= MIN_SIDE, f"collapsed after skip #{cycle + 1}"
    assert run.log_text().count("the icon was reparented") == 0  # docked once, never again
    assert desktop.tray_clients() == [icon]
    # Alpha: the corners show trayer's background, the same in every state, not black.
    background = picture.getpixel((0, 0))
    assert background == due.getpixel((0, 0)) == picture.getpixel((width - 1, height - 1))
    assert background != (0, 0, 0)

    # Aspect: the round picture is as wide as it is high (the window is 24x30 here).
    def drawn_box(image):
        diff = [
            (px, py)
            for px in range(width)
            for py in range(height)
            if sum(abs(a - b) for a, b in zip(image.getpixel((px, py)), background, strict=False)) > 60
        ]
        xs, ys = [p[0] for p in diff], [p[1] for p in diff]
        return max(xs) - min(xs) + 1, max(ys) - min(ys) + 1

    drawn_w, drawn_h = drawn_box(due)
    assert abs(drawn_w - drawn_h) <= 2, (drawn_w, drawn_h, width, height)
    # The working ring (faint teal) is visible: some pixels are teal-ish, none are solid black.
    colours = {picture.getpixel((px, py)) for px in range(width) for py in range(height)}
    assert (0, 0, 0) not in colours
    assert any(g > r + 40 and b > r + 30 for r, g, b in colours), "no teal ring in the working icon"


def test_a_collapsed_icon_is_docked_again(desktop, daemon):
    """trayer may squeeze an icon docked twice to 1 px: the dock check measures it and repairs it."""
    run = daemon("xorg")
    icon = run.icon()
    run.wait_log("tray icon docked")
    collapsed = False
    for _ in range(40):  # each duplicate request re-embeds the icon; some leave it 1 px wide
        dock_request(desktop, icon)
        time.sleep(0.25)
        window = (desktop.tray_clients() or [icon])[0]
        if geometry(desktop, window)[2] < 8:
            collapsed = True
            break
    if collapsed:
        run.wait_log("collapsed to 1x", timeout=10)
    wait_for(
        lambda: desktop.tray_clients() and geometry(desktop, desktop.tray_clients()[0])[2] >= MIN_SIDE,
        "the icon back at its size",
        15,
    )
    print(
        f"\ncollapsed by duplicate dock requests: {collapsed}; "
        f"repairs: {run.log_text().count('docking it again')}"
    )


def test_the_xorg_icon_has_a_tooltip(desktop, daemon):
    run = daemon("xorg")
    icon = run.icon()
    run.wait_log("started:")
    x, y, width, height = geometry(desktop, icon)
    subprocess.run(
        ["xdotool", "mousemove", str(x + width // 2), str(y + height // 2)], env=desktop.env, check=True
    )
    tip = wait_for(lambda: visible(desktop, "--name", "deskbreak tooltip"), "the tooltip")[0]
    _tx, ty, tw, _th = geometry(desktop, tip)
    assert ty >= y + height and tw > 100  # under the icon, wide enough for "Next stretch ..."
    shot(desktop, "xorg-tooltip.png")
    subprocess.run(["xdotool", "mousemove", "600", "500"], env=desktop.env, check=True)
    wait_for(lambda: not visible(desktop, "--name", "deskbreak tooltip"), "the tooltip to go")


# --- point 4: the notification ---


def test_the_prompt_shows_the_stretch_picture_caution_and_way_to_all_steps(desktop, daemon):
    run = daemon("xorg")
    run.icon()
    run.wait_log("started:")
    desktop.dunstctl("close-all")
    assert run.cli("now").returncode == 0
    wait_for(lambda: desktop.dunst_displayed() > 0, "the notification")
    stretch = run.status()["stretch"]["id"]
    shot(desktop, "dunst-prompt.png")
    (shown,) = [n for n in desktop.dunst_history() if n["appname"] == "deskbreak"][:1]
    assert shown["icon_path"].endswith(f"assets/stretches/small/{stretch}.png")  # reads at ~48 px
    assert "Caution: " in shown["body"] and "click here" in shown["body"]


# --- points 1, 4 and 5: the guided window from a click, and Done ---


def guided_window(desktop, name: str) -> str:
    """The guided window (class deskbreak, titled with the stretch's name; the xorg icon's title
    also names the stretch, so the name alone does not tell them apart)."""

    def found():
        return [
            w
            for w in visible(desktop, "--class", "deskbreak")
            if subprocess.run(
                ["xdotool", "getwindowname", w],
                env=desktop.env,
                capture_output=True,
                text=True,
                errors="replace",
            ).stdout.strip()
            == name
        ]

    return wait_for(found, f"the guided window for {name}", 15)[0]


def test_clicking_the_prompt_opens_the_guided_window_whose_done_records_that_stretch(desktop, daemon):
    run = daemon("xorg")
    run.icon()
    run.wait_log("started:")
    desktop.dunstctl("close-all")
    assert run.cli("now").returncode == 0
    wait_for(lambda: desktop.dunst_displayed() > 0, "the notification")
    status = run.status()
    name = status["stretch"]["name"]
    desktop.dunst_default_action()  # a left click on the notification
    window = guided_window(desktop, name)
    assert run.status()["state"] == "due"  # the window shows it: it stays due
    # The window counts keys from half a second after it maps (its own clock, in its own process).
    press = ["xdotool", "windowfocus", "--sync", window, "sleep", "0.6", "key", "Return"]
    subprocess.run(press, env=desktop.env, check=True)
    done = wait_for(lambda: run.status()["today"]["done"] == 1 and run.status(), "done counted")
    assert done["state"] == "working"
    run.wait_log(f"recorded: {name} done · 1 of 6 today")
    again = run.cli("done")
    assert again.returncode == 1 and "no prompt to mark done" in again.stderr


def test_stretch_now_in_the_xorg_actions_window_opens_the_guided_window(desktop, daemon):
    run = daemon("xorg")
    icon = run.icon()
    run.wait_log("started:")
    upcoming = run.status()["stretch"]["name"]
    x, y, width, height = geometry(desktop, icon)
    subprocess.run(
        ["xdotool", "mousemove", str(x + width // 2), str(y + height // 2), "click", "1"],
        env=desktop.env,
        check=True,
    )
    actions = wait_for(lambda: visible(desktop, "--name", "deskbreak actions"), "the actions window")[0]
    subprocess.run(["xdotool", "windowfocus", "--sync", actions, "key", "n"], env=desktop.env, check=True)
    guided_window(desktop, upcoming)
    assert run.status()["state"] == "due"
    run.wait_log("guided window starting")
