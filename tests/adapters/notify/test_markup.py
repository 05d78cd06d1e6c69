import html
import subprocess
import sys

import pytest

from deskbreak.adapters.notify.markup import escape_markup


@pytest.mark.parametrize(
    "text",
    ["", "plain", "a & b", "<b>bold</b>", "&amp; already", "x < y > z", "quotes \" and '", "émoji 🙂 & <i>"],
)
def test_escapes_as_the_standard_library_does_without_quotes(text: str) -> None:
    assert escape_markup(text) == html.escape(text, quote=False)


def test_the_notifiers_do_not_load_html_entities() -> None:
    code = (
        "import sys, deskbreak.adapters.notify.freedesktop, deskbreak.adapters.notify.portable;"
        "print('html.entities' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
