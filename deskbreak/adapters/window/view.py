"""The guided window's widgets (tkinter): what it shows and where; no decisions.

Sizes are pixels at 96 dpi times the screen's scale: the countdown is 72 px, the text 17 px.
`fit` shrinks the picture, then the text, until the window fits the space it is given.
"""

from __future__ import annotations

import tkinter as tk
from collections.abc import Callable
from tkinter import font as tkfont
from typing import TYPE_CHECKING, Any, Literal

from ...assets import asset_path
from ...core import guide
from ...core.catalog import Stretch
from ...core.safety import SAFETY_NOTE
from ...i18n import _, pgettext
from .cjk_label import WrappingLabel
from .theme import Palette, Rect

if TYPE_CHECKING:
    from PIL import ImageTk

    from .guided import GuideWindow

IMAGE_SIZE = (480, 360)
FLASH_MS = 450
TEXT_WIDTH = 520  # the column of steps, at 96 dpi
GUTTER = 24  # between the picture and the steps, at 96 dpi
MIN_IMAGE_SCALE = 0.4  # below this the picture no longer shows the pose
MIN_TEXT_SCALE = 0.7  # 17 px text stays at 12 px or more
FONTS: dict[str, tuple[int, Literal["normal", "bold"]]] = {
    "title": (30, "bold"),
    "count": (72, "bold"),
    "label": (21, "bold"),
    "text": (17, "normal"),
    "small": (14, "normal"),
    "button": (16, "bold"),
}


def _on_key(
    gate: Callable[[Callable[[], object]], object], action: Callable[[], object]
) -> Callable[[object], object]:
    """A key binding that hands `action` to `gate` (Tk passes the event, which no action needs)."""
    return lambda _event: gate(action)  # one closure per action: no late binding of a loop variable


class View:
    def __init__(self, window: GuideWindow, palette: Palette, scale: float, area: Rect):
        self.window, self.p, self.scale = window, palette, scale
        root = self.root = window.root
        family = tkfont.nametofont("TkDefaultFont").actual("family")
        px = self.px
        self.text_scale = 1.0
        self.fonts = {
            name: tkfont.Font(root=root, family=family, size=-px(size), weight=weight)
            for name, (size, weight) in FONTS.items()
        }
        # A first guess for a small screen (`fit` measures and corrects it): the picture shrinks
        # before the text does.
        room = area[3] - px(470)
        self.image_scale = max(MIN_IMAGE_SCALE * scale, min(scale, room / IMAGE_SIZE[1]))
        self._images: dict[tuple[str, bool], ImageTk.PhotoImage | None] = {}
        self._picture_key: tuple[str, bool] | None = None
        root.configure(bg=palette.bg, padx=px(24), pady=px(16))
        root.columnconfigure(1, weight=1)
        self.title = self._label(root, "", "title", palette.fg)
        self.title.grid(row=0, column=0, columnspan=2, sticky="w")
        self.summary = self._label(root, "", "text", palette.muted)
        self.summary.grid(row=1, column=0, columnspan=2, sticky="w", pady=(0, px(10)))
        self.picture = tk.Label(root, bg=palette.bg, bd=0)
        self.picture.grid(row=2, column=0, sticky="nw", padx=(0, px(GUTTER)))
        right = tk.Frame(root, bg=palette.bg)
        right.grid(row=2, column=1, sticky="nsew")
        self.count = self._label(right, "", "count", palette.accent)
        self.count.pack(anchor="w")
        self.phase = self._label(right, "", "label", palette.fg)
        self.phase.pack(anchor="w", pady=(0, px(12)))
        self.right = right
        self.flashing = False
        self.steps = tk.Frame(right, bg=palette.bg)
        self.steps.pack(anchor="w", fill="x")
        self.caution = self._label(root, "", "text", palette.caution)
        self.caution.grid(row=3, column=0, columnspan=2, sticky="w", pady=(px(14), 0))
        buttons = tk.Frame(root, bg=palette.bg)
        buttons.grid(row=4, column=0, columnspan=2, sticky="w", pady=(px(16), 0))
        # The keys in brackets are the window's bindings, which stay the same in every language.
        # Translators: guided window button; (Space) names the key that does the same: keep it.
        self.timer_button = self._button(buttons, _("Start timer (Space)"), window.toggle_timer)
        # Translators: guided window button: the stretch is done; (Enter) names its key: keep it.
        self._button(buttons, _("Done (Enter)"), window.done, primary=True)
        # Translators: guided window button: ask again later; (S) names its key: keep it.
        self.snooze_button = self._button(buttons, _("Snooze (S)"), window.snooze)
        # Translators: guided window button (verb): skip this stretch; (Esc) names its key: keep it.
        self._button(buttons, _("Skip (Esc)"), window.skip)
        # Translators: guided window button: show a different stretch; (N) names its key: keep it.
        self._button(buttons, _("Another stretch (N)"), window.another)
        self.reminders = tk.Frame(root, bg=palette.bg)
        # Translators: guided window button (verb): pause every reminder (not just this stretch).
        self.pause_button = self._button(self.reminders, _("Pause reminders"), window.pause_reminders)
        self.next_line = self._label(self.reminders, "", "text", palette.muted)
        self.next_line.pack(side="left", padx=(px(6), 0))
        if window.menu_less:
            self.reminders.grid(row=5, column=0, columnspan=2, sticky="w", pady=(px(10), 0))
        self.message = self._label(root, "", "small", palette.fg)
        self.message.grid(row=6, column=0, columnspan=2, sticky="w", pady=(px(8), 0))
        self.message.grid_remove()  # shown with its first message
        # Translators: the guided window's footer; {note} is the (translated) safety note.
        footer = _("Safety: {note}").format(note=_(SAFETY_NOTE))
        self.footer = self._label(root, footer, "small", palette.muted)
        self.footer.grid(row=7, column=0, columnspan=2, sticky="w", pady=(px(6), 0))
        self._wrap_wide_lines()
        for keys, action in (
            (("<Return>", "<KP_Enter>"), window.done),
            (("s", "S"), window.snooze),
            (("<Escape>",), window.skip),
            (("n", "N"), window.another),
            (("<space>",), window.toggle_timer),
        ):
            for key in keys:
                root.bind(key, _on_key(window.on_key, action))
        self._side: bool | None = None

    def px(self, size: float) -> int:
        return round(size * self.scale)

    # --- fitting the space given ---

    def fit(self, width: int, height: int) -> None:
        """Shrink the picture, then the text, until the window asks for at most width × height
        (a best effort: both stop at the size below which they no longer read)."""
        for _attempt in range(8):
            self.root.update_idletasks()
            over_w = self.root.winfo_reqwidth() - width
            over_h = self.root.winfo_reqheight() - height
            if over_w <= 0 and over_h <= 0:
                return
            picture_w, picture_h = self._picture_size()
            # The picture shares its row with the steps: shrinking it below them gains no height.
            gain_h = min(over_h, picture_h - self.right.winfo_reqheight())
            wanted_w = picture_w - max(0, over_w)
            wanted_h = picture_h - max(0, gain_h) if over_h > 0 else picture_h
            scale = max(MIN_IMAGE_SCALE * self.scale, min(wanted_w / IMAGE_SIZE[0], wanted_h / IMAGE_SIZE[1]))
            if scale < self.image_scale - 0.005:
                self.set_image_scale(scale)
                continue
            if self.text_scale <= MIN_TEXT_SCALE:
                return
            ratio = min(width / self.root.winfo_reqwidth(), height / self.root.winfo_reqheight())
            self.set_text_scale(max(MIN_TEXT_SCALE, self.text_scale * min(ratio, 0.97)))

    def set_image_scale(self, scale: float) -> None:
        self.image_scale = scale
        self._images.clear()
        if self._picture_key is not None:
            self.picture.configure(image=self._image(*self._picture_key))
        self._wrap_wide_lines()

    def set_text_scale(self, scale: float) -> None:
        self.text_scale = scale
        for name, (size, _weight) in FONTS.items():
            self.fonts[name].configure(size=-max(1, self.px(size * scale)))
        self._rewrap(self.root)

    def _picture_size(self) -> tuple[int, int]:
        return round(IMAGE_SIZE[0] * self.image_scale), round(IMAGE_SIZE[1] * self.image_scale)

    def _wrap_wide_lines(self) -> None:
        """The lines under the picture and the steps wrap at their combined width."""
        wrap = self._picture_size()[0] + self.px(GUTTER + TEXT_WIDTH)
        for label in (self.caution, self.message, self.footer):
            label.configure(wraplength=wrap)

    def _rewrap(self, widget: tk.Misc) -> None:
        """Chinese and Japanese lines break anew for the new font size (Tk re-wraps the others)."""
        for child in widget.winfo_children():
            if isinstance(child, WrappingLabel):
                child.rewrap()
            self._rewrap(child)

    def _label(self, parent: tk.Misc, text: str, font: str, fg: str, wrap: int = 0) -> tk.Label:
        return WrappingLabel(
            parent,
            text=text,
            font=self.fonts[font],
            fg=fg,
            bg=self.p.bg,
            justify="left",
            anchor="w",
            wraplength=self.px(wrap),
            bd=0,
        )

    def _button(
        self, parent: tk.Misc, text: str, command: Callable[[], object], primary: bool = False
    ) -> tk.Button:
        p = self.p
        bg, fg = (p.primary_bg, p.primary_fg) if primary else (p.button_bg, p.button_fg)
        button = tk.Button(
            parent,
            text=text,
            command=command,
            font=self.fonts["button"],
            bg=bg,
            fg=fg,
            activebackground=p.flash if not primary else bg,
            activeforeground=fg,
            highlightthickness=0,
            bd=0,
            relief="flat",
            padx=self.px(14),
            pady=self.px(8),
            takefocus=0,
            cursor="hand2",
        )
        button.pack(side="left", padx=(0, self.px(10)))
        return button

    # --- content ---

    def show_stretch(self, stretch: Stretch) -> None:
        # Catalog texts are translated by their English text (a user's own stretch comes back as written).
        self.title.configure(text=_(stretch.name))
        self.summary.configure(text=stretch.summary())
        # Translators: the guided window's caution line; {caution} is the stretch's (translated) caution.
        self.caution.configure(text=_("Caution: {caution}").format(caution=_(stretch.caution)))
        self._side = None

    def render(self, state: guide.Guide, seconds: int, label: str) -> None:
        if self._side != state.mirrored:
            self._side = state.mirrored
            # Mirrored in English first (left and right swap), then translated.
            self._fill_steps(tuple(_(step) for step in guide.steps(state)))
            self._picture_key = (state.stretch.id, state.mirrored)
            self.picture.configure(image=self._image(*self._picture_key))
        holding = state.phase == guide.HOLDING or state.phase == guide.FINISHED
        self.count.configure(
            # Translators: shown in place of the countdown when every hold is finished (not the button).
            text=pgettext("countdown", "Done") if state.phase == guide.FINISHED else f"{seconds}",
            fg=self.p.accent if holding else self.p.muted,
        )
        self.phase.configure(text=label)
        # Translators: guided window buttons; (Space) names the key that does the same: keep it.
        running = (
            _("Pause timer (Space)")
            if state.running
            else (_("Start timer (Space)") if state.phase == guide.READY else _("Resume timer (Space)"))
        )
        self.timer_button.configure(
            text=running, state="disabled" if state.phase == guide.FINISHED else "normal"
        )

    def _fill_steps(self, steps: tuple[str, ...]) -> None:
        for child in self.steps.winfo_children():
            child.destroy()
        for number, step in enumerate(steps, start=1):
            num = self._label(self.steps, f"{number}.", "text", self.p.muted)
            num.grid(row=number, column=0, sticky="nw", padx=(0, self.px(8)), pady=(0, self.px(6)))
            text = self._label(self.steps, step, "text", self.p.fg, wrap=TEXT_WIDTH)
            text.grid(row=number, column=1, sticky="nw", pady=(0, self.px(6)))

    def _image(self, stretch_id: str, mirrored: bool) -> ImageTk.PhotoImage | str:
        key = (stretch_id, mirrored)
        if key not in self._images:
            self._images[key] = self._load_image(stretch_id, mirrored)
        return self._images[key] or ""

    def _load_image(self, stretch_id: str, mirrored: bool) -> ImageTk.PhotoImage | None:
        path = asset_path(f"stretches/{stretch_id}.png")
        if path is None:  # a user's own stretch has no picture
            return None
        from PIL import Image, ImageOps, ImageTk

        with Image.open(path) as source:
            picture = source.convert("RGBA")
        if self.p.name == "dark":  # a bright card glares in a dark room: dim it (not its clear corners)
            from PIL import ImageEnhance

            alpha = picture.getchannel("A")
            picture = ImageEnhance.Brightness(picture.convert("RGB")).enhance(0.86).convert("RGBA")
            picture.putalpha(alpha)
        backdrop = Image.new("RGBA", picture.size, self.p.bg)
        picture = Image.alpha_composite(backdrop, picture).convert("RGB")
        if mirrored:
            picture = ImageOps.mirror(picture)
        size = self._picture_size()
        if size != picture.size:
            picture = picture.resize(size, Image.Resampling.LANCZOS)
        return ImageTk.PhotoImage(picture, master=self.root)

    def say(self, text: str) -> None:
        self.message.configure(text=text)
        if text:
            self.message.grid()
        else:
            self.message.grid_remove()

    def show_reminders(self, status: dict[str, Any] | None) -> None:
        """The menu-less line: Pause/Resume reminders and what comes next."""
        self.snooze_button.configure(state="disabled" if status is None else "normal")
        if status is None:
            self.pause_button.configure(state="disabled")
            self.next_line.configure(text="")
            return
        paused = status.get("state") == "paused"
        self.pause_button.configure(
            state="normal", text=_("Resume reminders") if paused else _("Pause reminders")
        )
        self.next_line.configure(text=str(status.get("headline", "")))

    def flash(self) -> None:
        """A soft cue: the countdown's panel lights up for FLASH_MS."""
        self._paint(self.p.flash)
        self.flashing = True
        self.root.after(FLASH_MS, self._unflash)

    def _unflash(self) -> None:
        self.flashing = False
        if self.root.winfo_exists():
            self._paint(self.p.bg)

    def _paint(self, colour: str) -> None:
        stack: list[tk.Misc] = [self.right]
        while stack:
            widget = stack.pop()
            widget["bg"] = colour  # labels and frames alike: every widget here has a background
            stack.extend(widget.winfo_children())
