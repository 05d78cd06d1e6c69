"""The guided window on a 1366x768 laptop screen with a 32 px panel at the bottom, under a real window
manager (openbox) that turns the panel's strut into _NET_WORKAREA: every widget must be on screen."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from desktop_stack import DesktopStack, session_stack, skip_or_fail, wait_for

from deskbreak.adapters.window import theme as window_theme
from deskbreak.assets import builtin_catalog

tk = pytest.importorskip("tkinter")
from deskbreak.adapters.window.guided import NOT_RUNNING, GuideWindow  # noqa: E402

pytestmark = pytest.mark.desktop

OUTPUT = Path(__file__).resolve().parents[2] / "output"
PANEL = 32
WORKAREA = (0, 0, 1366, 768 - PANEL)


class LaptopStack(DesktopStack):
    """Xvfb at 1366x768 + openbox + a dock window that reserves the bottom PANEL pixels."""

    SCREEN = "1366x768x24"

    def _start(self) -> LaptopStack:
        self._start_xvfb()
        self.env = {**os.environ, "DISPLAY": self.display, "HOME": str(self.workdir)}
        self.env.pop("WAYLAND_DISPLAY", None)
        # The panel first: openbox manages the windows it finds at start-up, while a window mapped
        # during its start-up may be left unmanaged (its struts then never count).
        try:
            self._panel = self._open_panel()
        except Exception as error:  # python-xlib's own errors: start() retries RuntimeErrors
            raise RuntimeError(f"cannot open the panel on {self.display}: {error!r}") from error
        self._spawn("openbox", ["openbox", "--sm-disable"], env=self.env)
        wait_for(
            lambda: self._alive("openbox") or self._root_property("_NET_WORKAREA")[:4] == list(WORKAREA),
            "openbox to leave the panel's strut out of the work area",
        )
        return self

    def stop(self) -> None:
        panel = getattr(self, "_panel", None)
        if panel is not None:
            panel.close()
            self._panel = None
        super().stop()

    def _root_property(self, name: str) -> list[int]:
        from Xlib import X
        from Xlib import display as xdisplay

        d = xdisplay.Display(self.display)
        try:
            prop = d.screen().root.get_full_property(d.intern_atom(name), X.AnyPropertyType)
            return list(prop.value) if prop is not None else []
        finally:
            d.close()

    def _open_panel(self):
        """A dark strip at the bottom with the struts a panel sets (its connection keeps it alive)."""
        from Xlib import X, Xatom, Xutil
        from Xlib import display as xdisplay

        d = xdisplay.Display(self.display)
        screen = d.screen()
        width, height = screen.width_in_pixels, screen.height_in_pixels
        panel = screen.root.create_window(
            0,
            height - PANEL,
            width,
            PANEL,
            0,
            screen.root_depth,
            X.InputOutput,
            X.CopyFromParent,
            background_pixel=0x2B2B2B,
        )
        hints = Xutil.USPosition | Xutil.USSize | Xutil.PPosition | Xutil.PSize
        panel.set_wm_normal_hints(flags=hints, x=0, y=height - PANEL, width=width, height=PANEL)
        atom = d.intern_atom
        panel.change_property(atom("_NET_WM_WINDOW_TYPE"), Xatom.ATOM, 32, [atom("_NET_WM_WINDOW_TYPE_DOCK")])
        panel.change_property(atom("_NET_WM_STRUT"), Xatom.CARDINAL, 32, [0, 0, 0, PANEL])
        partial = [0, 0, 0, PANEL, 0, 0, 0, 0, 0, 0, 0, width - 1]
        panel.change_property(atom("_NET_WM_STRUT_PARTIAL"), Xatom.CARDINAL, 32, partial)
        panel.map()
        d.sync()
        return d


@pytest.fixture(scope="module")
def laptop(tmp_path_factory: pytest.TempPathFactory):
    missing = [p for p in ("Xvfb", "xdpyinfo", "openbox", "xwininfo", "import") if shutil.which(p) is None]
    if missing:
        skip_or_fail("laptop stack: missing " + ", ".join(missing))
    yield from session_stack(LaptopStack(tmp_path_factory.mktemp("laptop")), [], "laptop stack")


def tallest_stretch():
    """The built-in stretch with the most text to show."""
    return max(builtin_catalog().stretches, key=lambda s: len(" ".join(s.steps)) + len(s.caution))


def frame_geometry(display: str, frame: str) -> tuple[int, int, int, int]:
    out = subprocess.run(
        ["xwininfo", "-id", frame], env={**os.environ, "DISPLAY": display}, capture_output=True, text=True
    ).stdout
    x, y, w, h = (
        int(re.search(rf"{label}:\s+(-?\d+)", out).group(1))  # type: ignore[union-attr]  # xwininfo prints all four
        for label in ("Absolute upper-left X", "Absolute upper-left Y", "Width", "Height")
    )
    return x, y, w, h


def widgets(root) -> list:
    found, stack = [], [root]
    while stack:
        widget = stack.pop()
        found.append(widget)
        stack.extend(widget.winfo_children())
    return found


def test_the_window_fits_the_work_area_left_by_a_panel(laptop):
    assert window_theme.read_workarea(laptop.display) == WORKAREA
    root = tk.Tk(screenName=laptop.display, className="deskbreak")
    window = GuideWindow(
        root,
        tallest_stretch(),
        builtin_catalog(),
        None,
        palette=window_theme.LIGHT,
        focus=True,
        menu_less=True,
        sound=False,
    )
    try:
        assert window.area == WORKAREA
        assert window.view.message.cget("text") == NOT_RUNNING  # the tallest layout: every line shown
        wait_for(
            lambda: root.update() or (root.winfo_viewable() and root.wm_frame() != hex(root.winfo_id())),
            "openbox to frame the window",
        )
        frame = root.wm_frame()
        placed = wait_for(
            lambda: (
                root.update() or (frame_geometry(laptop.display, frame) if root.winfo_rooty() > 0 else None)
            ),
            "the window to be placed",
        )
        x, y, w, h = placed
        assert x >= 0 and x + w <= WORKAREA[2] and y >= 0 and y + h <= WORKAREA[3], placed
        shown = [wd for wd in widgets(root) if wd.winfo_ismapped()]
        assert window.view.footer in shown and window.view.caution in shown
        for widget in shown:
            top, bottom = widget.winfo_rooty(), widget.winfo_rooty() + widget.winfo_height()
            left, right = widget.winfo_rootx(), widget.winfo_rootx() + widget.winfo_width()
            assert top >= 0 and bottom <= WORKAREA[3] and left >= 0 and right <= WORKAREA[2], widget
            assert widget.winfo_height() >= widget.winfo_reqheight(), widget  # nothing squeezed
        assert window.view.image_scale < 1.0 and window.view.text_scale >= 0.7
        OUTPUT.mkdir(exist_ok=True)
        laptop.screenshot(OUTPUT / "window-1366x768-panel.png")
    finally:
        window.close()
