"""Line breaks for Chinese and Japanese text, which has no spaces between words.

Tk's `wraplength` breaks a line only at a space, and cuts a run longer than the line anywhere: a
Chinese sentence with one Latin word in it breaks early at that word's space, and a line may
begin with `。` or `）`. Here a line may also break between any two CJK characters, but never
before closing punctuation or a small kana, nor after opening punctuation (the common rules of
kinsoku shori). Text without CJK is left to Tk as before.
"""

from __future__ import annotations

from collections.abc import Callable

# Never at the start of a line: closing punctuation, iteration marks, prolonged sound, small kana.
NO_LINE_START = frozenset(
    "、。，．,.:;?!）)］]｝}〕〉》」』】〙〗〟’”｠»ー…‥・：；？！％々〻ゝゞヽヾ"
    "ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶ"
)
# Never at the end of a line: opening punctuation.
NO_LINE_END = frozenset("（([｛{〔〈《「『【〘〖〝‘“｟«")


def is_cjk(char: str) -> bool:
    """Han, kana, Hangul and the full-width forms and punctuation that go with them."""
    code = ord(char)
    return (
        0x2E80 <= code <= 0x2FDF  # radicals
        or 0x3000 <= code <= 0x9FFF  # CJK punctuation, kana, Han
        or 0xAC00 <= code <= 0xD7AF  # Hangul
        or 0xF900 <= code <= 0xFAFF
        or 0xFF00 <= code <= 0xFFEF  # full-width forms
        or code >= 0x20000
    )


def has_cjk(text: str) -> bool:
    return any(is_cjk(c) for c in text)


def may_break_before(text: str, index: int) -> bool:
    """Whether a line may end just before `text[index]`."""
    before, after = text[index - 1], text[index]
    if after in NO_LINE_START or before in NO_LINE_END:
        return False
    return before == " " or is_cjk(before) or is_cjk(after)


def break_lines(text: str, width: int, measure: Callable[[str], int]) -> str:
    """`text` with newlines where its lines must break to stay within `width` (as `measure`
    measures a line); a run with no break allowed that is wider than a line is cut anywhere."""
    return "\n".join(line for paragraph in text.split("\n") for line in _lines(paragraph, width, measure))


def _lines(text: str, width: int, measure: Callable[[str], int]) -> list[str]:
    lines: list[str] = []
    start = 0
    while True:
        cut = _line_end(text, start, width, measure)
        if cut is None:
            lines.append(text[start:].rstrip(" "))
            return lines
        lines.append(text[start:cut].rstrip(" "))
        start = cut
        while start < len(text) and text[start] == " ":
            start += 1
        if start >= len(text):
            return lines


def _line_end(text: str, start: int, width: int, measure: Callable[[str], int]) -> int | None:
    """Where the line from `start` must end, or None when the rest fits."""
    last_break = None
    for end in range(start + 1, len(text) + 1):
        if measure(text[start:end].rstrip(" ")) > width and end - 1 > start:
            return last_break if last_break is not None else end - 1
        if end < len(text) and may_break_before(text, end):
            last_break = end
    return None
