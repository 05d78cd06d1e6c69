"""Text made safe for a notification body that servers read as markup (the spec's small HTML subset)."""

from __future__ import annotations


def escape_markup(text: str) -> str:
    """`text` with &, < and > written as entities: html.escape(text, quote=False), without importing
    `html`, whose entity tables (html.entities, about 0.3 MB) would stay in the daemon for good."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
