"""A Tk label that breaks Chinese and Japanese lines where they may break (line_breaks.py).

Tk wraps a label's text at spaces alone; this label keeps the text it was given and, when that
text holds CJK characters and the label has a `wraplength`, shows it with its own line breaks,
measured in the label's font, again whenever the font or the width changes (`rewrap`).
"""

from __future__ import annotations

import tkinter as tk
from tkinter import font as tkfont
from typing import Any

from .line_breaks import break_lines, has_cjk


class WrappingLabel(tk.Label):
    def __init__(self, master: tk.Misc | None = None, **options: Any) -> None:
        self._text = str(options.pop("text", ""))
        super().__init__(master, **options)
        self.rewrap()

    def configure(self, cnf: Any = None, **options: Any) -> Any:
        if isinstance(cnf, dict):
            options = {**cnf, **options}
            cnf = None
        if "text" in options:
            self._text = str(options.pop("text"))
            result = super().configure(cnf, **options) if options or cnf else None
            self.rewrap()
            return result
        result = super().configure(cnf, **options)
        if "wraplength" in options or "font" in options:
            self.rewrap()
        return result

    config = configure

    @property
    def given_text(self) -> str:
        """The text as given, before any line break of ours."""
        return self._text

    def rewrap(self) -> None:
        """Shows the text broken for the label's current width and font."""
        width = int(str(self.cget("wraplength")) or 0)
        text = self._text
        if width > 0 and has_cjk(text):
            text = break_lines(text, width, self._font().measure)
        super().configure(text=text)

    def _font(self) -> tkfont.Font:
        name = str(self.cget("font"))
        try:
            return tkfont.nametofont(name, root=self)
        except tk.TclError:  # a font description, not a named font
            return tkfont.Font(root=self, font=name)
