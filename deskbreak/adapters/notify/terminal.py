"""The last resort: the prompt goes to the terminal (stderr) and the log. It never fails."""

from __future__ import annotations

import logging
import sys
from typing import TextIO

from ...i18n import _
from ...ports import Notice, Prompt

log = logging.getLogger(__name__)


class LogNotifier:
    name = "log"
    has_actions = False

    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream  # None: sys.stderr at the time of the prompt

    def show(self, prompt: Prompt) -> None:
        log.info("stretch time: %s", prompt.title)
        # A terminal has room: every step, the caution and how to answer (`details`), not the
        # notification's short body.
        # Translators: the heading of a stretch prompt written to the terminal; {title} is the prompt's title.
        self._write(_("deskbreak: {title}").format(title=prompt.title), prompt.details or prompt.body)

    def notify(self, notice: Notice) -> None:
        log.info("%s", notice.title)
        self._write(notice.title, notice.body)

    def _write(self, heading: str, text: str) -> None:
        text = f"\n== {heading} ==\n{text}\n"
        try:
            stream = self._stream or sys.stderr
            if stream is not None:  # pythonw has no stderr
                stream.write(text)
                stream.flush()
        except (OSError, ValueError):  # closed or broken terminal: the log line is enough
            pass

    def withdraw(self) -> None:
        pass

    def close(self) -> None:
        pass
