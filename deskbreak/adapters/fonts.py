"""The one place that chooses a font with the glyphs a text needs, for what Pillow draws.

Latin, Greek and Cyrillic keep DejaVu Sans (Pillow's bundled font when it is missing). Chinese,
Japanese and Korean need a CJK font: on Linux fontconfig's match for the language (`fc-match
:lang=ja`: Noto Sans CJK from Debian's `fonts-noto-cjk`); on Windows and macOS the system's own
CJK fonts at their usual paths. A font is accepted only when it really draws the text: a character
whose picture is the font's .notdef box (tofu) counts as missing.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL import ImageFont

log = logging.getLogger(__name__)

LATIN = {"regular": "DejaVuSans.ttf", "bold": "DejaVuSans-Bold.ttf"}
LATIN_FOLDER = Path("/usr/share/fonts/truetype/dejavu")
INSTALL_HINT = "sudo apt install fonts-noto-cjk"
# The system CJK fonts where fontconfig is not the way: (file, face index in a collection).
SYSTEM_CJK = {
    "win32": {
        "zh-cn": [("C:/Windows/Fonts/msyh.ttc", 0), ("C:/Windows/Fonts/simsun.ttc", 0)],
        "zh-tw": [("C:/Windows/Fonts/msjh.ttc", 0), ("C:/Windows/Fonts/mingliu.ttc", 0)],
        "ja": [("C:/Windows/Fonts/YuGothM.ttc", 0), ("C:/Windows/Fonts/meiryo.ttc", 0)],
        "ko": [("C:/Windows/Fonts/malgun.ttf", 0)],
    },
    "darwin": {
        "zh-cn": [("/System/Library/Fonts/PingFang.ttc", 2), ("/System/Library/Fonts/STHeiti Light.ttc", 0)],
        "zh-tw": [("/System/Library/Fonts/PingFang.ttc", 3), ("/System/Library/Fonts/STHeiti Light.ttc", 1)],
        "ja": [
            ("/System/Library/Fonts/ヒラギノ角ゴシック W3.ttc", 0),
            ("/System/Library/Fonts/PingFang.ttc", 0),
        ],
        "ko": [("/System/Library/Fonts/AppleSDGothicNeo.ttc", 0)],
    },
}
_TRADITIONAL = {"zh_hant", "zh_tw", "zh_hk", "zh_mo", "zh-tw", "zh-hk"}

Run = Callable[[list[str]], str]


@dataclass(frozen=True)
class FontFile:
    path: str
    index: int = 0  # the face in a collection (.ttc): Noto CJK holds one per language


def script_language(text: str, language: str | None = None) -> str | None:
    """The fontconfig language whose glyphs `text` needs beyond DejaVu's (`ja`, `ko`, `zh-cn`,
    `zh-tw`), or None. Han alone is read in the user's `language` (Japanese or Chinese shapes)."""
    preferred = _fontconfig_language(language)
    if any("\u3040" <= c <= "\u30ff" or "\u31f0" <= c <= "\u31ff" for c in text):
        return "ja"
    if any("\uac00" <= c <= "\ud7af" or "\u1100" <= c <= "\u11ff" for c in text):
        return "ko"
    if any(_is_cjk(c) for c in text):
        return preferred if preferred in {"ja", "ko", "zh-cn", "zh-tw"} else "zh-cn"
    return preferred if preferred in {"ja", "ko", "zh-cn", "zh-tw"} else None


def _is_cjk(char: str) -> bool:
    code = ord(char)
    return 0x2E80 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF or 0xFF00 <= code <= 0xFFEF or code >= 0x20000


def _fontconfig_language(language: str | None) -> str | None:
    if not language:
        return None
    lowered = language.lower().replace("-", "_")
    if lowered.startswith("zh"):
        return "zh-tw" if any(lowered.startswith(t.replace("-", "_")) for t in _TRADITIONAL) else "zh-cn"
    return lowered.split("_")[0]


def _run_fc(args: list[str]) -> str:
    if shutil.which(args[0]) is None:
        return ""
    try:
        done = subprocess.run(args, capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return ""
    return done.stdout if done.returncode == 0 else ""


def cjk_candidates(
    language: str, bold: bool = False, platform: str = sys.platform, run: Run = _run_fc
) -> list[FontFile]:
    """Fonts to try for `language`, best first: the system's own, then fontconfig's match."""
    found = [FontFile(path, index) for path, index in SYSTEM_CJK.get(platform, {}).get(language, [])]
    weight = ":weight=bold" if bold else ""
    for line in run(
        ["fc-match", "-s", "-f", "%{file}\t%{index}\t%{lang}\n", f":lang={language}{weight}"]
    ).splitlines()[:8]:
        path, _, rest = line.partition("\t")
        index, _, langs = rest.partition("\t")
        if path and language in langs.split("|"):
            found.append(FontFile(path, int(index or 0)))
    return list(dict.fromkeys(found))


def load(font_file: FontFile, size: int) -> ImageFont.FreeTypeFont | None:
    from PIL import ImageFont

    try:
        return ImageFont.truetype(font_file.path, size, index=font_file.index)
    except OSError:
        return None


def missing_glyphs(font: ImageFont.FreeTypeFont | ImageFont.ImageFont, text: str) -> set[str]:
    """The characters of `text` that `font` draws as its .notdef box (or not at all)."""
    tofu = _picture(font, "\U0010fffd")
    return {c for c in set(text) if not c.isspace() and (_picture(font, c) in (tofu, None))}


def _picture(font: ImageFont.FreeTypeFont | ImageFont.ImageFont, char: str) -> bytes | None:
    mask = font.getmask(char)
    return bytes(mask) + bytes(str(mask.size), "ascii") if mask.size[0] and mask.size[1] else None


def latin_font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    from PIL import ImageFont

    name = LATIN["bold" if bold else "regular"]
    for candidate in (name, str(LATIN_FOLDER / name)):
        try:
            return ImageFont.truetype(candidate, size)
        except OSError:
            continue
    return ImageFont.load_default(size=size)


def font_for(
    text: str,
    size: int,
    bold: bool = False,
    language: str | None = None,
    platform: str = sys.platform,
    run: Run = _run_fc,
) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """A font that draws every character of `text` (the chart's words), in the user's `language`'s
    shapes; DejaVu when it does, or when no installed font does better (logged once per call)."""
    needed = script_language(text, language)
    if needed is None:
        return latin_font(size, bold)
    for candidate in cjk_candidates(needed, bold, platform, run):
        font = load(candidate, size)
        if font is not None and not missing_glyphs(font, text):
            return font
    log.warning("no installed font draws the %s text %r: %s", needed, text[:40], INSTALL_HINT)
    return latin_font(size, bold)


def missing_font_for(language: str | None, platform: str = sys.platform, run: Run = _run_fc) -> str | None:
    """For doctor: the fontconfig language whose glyphs `language` needs and no font has, else None."""
    needed = script_language("", language)
    if needed is None:
        return None
    sample = {"ja": "日本語の文字", "ko": "한국어", "zh-cn": "中文简体字", "zh-tw": "中文繁體字"}[needed]
    for candidate in cjk_candidates(needed, False, platform, run):
        font = load(candidate, 16)
        if font is not None and not missing_glyphs(font, sample):
            return None
    return needed
