"""The last resort: the prompt goes to the terminal (stderr) and the log. It never fails."""

from __future__ import annotations

import logging
import sys
from typing import TextIO

from ...ports import Prompt

log = logging.getLogger(__name__)


class LogNotifier:
    name = "log"
    has_actions = False

    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream  # None: sys.stderr at the time of the prompt

    def show(self, prompt: Prompt) -> None:
        is_stretch = getattr(prompt, "kind", "stretch") == "stretch"
        log.info("%s%s", "stretch time: " if is_stretch else "", prompt.title)
        heading = f"deskbreak: {prompt.title}" if is_stretch else prompt.title
        # A terminal has room: every step, the caution and how to answer (`details`), not the
        # notification's short body.
        text = f"\n== {heading} ==\n{prompt.details or prompt.body}\n"
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
