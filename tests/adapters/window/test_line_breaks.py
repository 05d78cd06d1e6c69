"""Chinese and Japanese lines break between characters, never before closing punctuation; the guided
window shows them so under Xvfb (a screenshot is left in tests/output for a person to look at)."""

from __future__ import annotations

import dataclasses
import itertools
import subprocess
from pathlib import Path

import pytest
from desktop_stack import wait_for

from deskbreak.adapters.window.line_breaks import NO_LINE_END, NO_LINE_START, break_lines, has_cjk

OUTPUT = Path(__file__).resolve().parents[2] / "output"
CHINESE = (
    "坐在椅子的前半部分，双脚平放在地面上。慢慢向右转动上身（保持背部挺直），用左手扶住右膝，保持二十秒。"
)
JAPANESE = "椅子に浅く座り、両足を床につけます。背すじを伸ばしたまま、上半身をゆっくり右にひねります。"


def width_of(text: str) -> int:
    """A monospaced fake: CJK characters are two units wide, others one."""
    return sum(2 if has_cjk(c) else 1 for c in text)


@pytest.mark.parametrize("text", [CHINESE, JAPANESE])
@pytest.mark.parametrize("width", [9, 16, 23, 40])
def test_cjk_lines_fit_and_never_start_with_closing_punctuation(text, width):
    lines = break_lines(text, width, width_of).split("\n")
    assert "".join(lines) == text  # nothing lost, nothing added
    assert len(lines) > 1
    for line in lines:
        assert width_of(line) <= width, line
    for before, after in itertools.pairwise(lines):
        assert after[0] not in NO_LINE_START, (before, after)
        assert before[-1] not in NO_LINE_END, (before, after)


def test_a_line_is_filled_up_to_its_width_not_broken_at_the_first_space():
    text = "用 deskbreak 试一下这个伸展动作吧，每天做几次就好"
    lines = break_lines(text, 20, width_of).split("\n")
    assert lines[0] == "用 deskbreak 试一下"  # Tk would have ended it at a space: "用 deskbreak"
    assert all(width_of(line) <= 20 for line in lines)


def test_latin_words_still_break_at_spaces_and_an_overlong_word_anywhere():
    assert break_lines("stretch your back now", 12, len) == "stretch your\nback now"
    assert break_lines("abcdefghij", 4, len) == "abcd\nefgh\nij"


def test_the_paragraphs_given_stay_paragraphs():
    assert break_lines("一二三\n四五六", 4, width_of) == "一二\n三\n四五\n六"


@pytest.mark.desktop
def test_the_guided_window_wraps_chinese_between_characters(desktop):
    tk = pytest.importorskip("tkinter")
    from deskbreak.adapters.window import theme as window_theme
    from deskbreak.adapters.window.cjk_label import WrappingLabel
    from deskbreak.adapters.window.guided import GuideWindow
    from deskbreak.assets import builtin_catalog

    catalog = builtin_catalog()
    stretch = dataclasses.replace(
        catalog.get("seated-twist"),
        name="坐姿扭转",
        steps=(CHINESE, "回到正中，换另一侧重复。", JAPANESE),
        caution="如果感到刺痛、麻木或无力，请立即停止。背部有伤时先咨询专业人士。" * 2,
    )
    root = tk.Tk(screenName=desktop.display, className="deskbreak")
    window = GuideWindow(root, stretch, catalog, None, palette=window_theme.LIGHT, sound=False)
    try:
        wait_for(lambda: root.update() or root.winfo_viewable(), "the window to map")
        labels, stack = [], [root]
        while stack:
            widget = stack.pop()
            stack.extend(widget.winfo_children())
            if (
                isinstance(widget, WrappingLabel)
                and has_cjk(widget.given_text)
                and int(widget.cget("wraplength"))
            ):
                labels.append(widget)
        assert len(labels) >= 4  # three steps and the caution
        for label in labels:
            shown = label.cget("text").split("\n")
            assert "".join(shown) == label.given_text
            assert len(shown) > 1 or label.winfo_reqwidth() <= int(label.cget("wraplength"))
            font = tk.font.nametofont(str(label.cget("font")), root=root)
            assert all(font.measure(line) <= int(label.cget("wraplength")) for line in shown)
            assert all(line[0] not in NO_LINE_START for line in shown[1:])
        # Tk draws each character through fontconfig (Xft), falling back to a font that has it: one
        # must cover every character shown, or Tk draws boxes.
        shown_chars = {c for label in labels for c in label.given_text if has_cjk(c)}
        charset = " ".join(f"{ord(c):x}" for c in sorted(shown_chars))
        covering = subprocess.run(
            ["fc-list", f":charset={charset}", "family"], capture_output=True, text=True
        )
        assert covering.stdout.strip(), f"no font covers {''.join(sorted(shown_chars))}"
        window.view.set_text_scale(0.8)  # a smaller font: the lines break anew, longer
        root.update()
        assert all(len(label.cget("text").split("\n")) <= len(label.given_text) for label in labels)
        OUTPUT.mkdir(exist_ok=True)
        desktop.screenshot(OUTPUT / "window-cjk.png")
    finally:
        window.close()
