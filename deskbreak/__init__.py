"""deskbreak: a desk-break reminder that prompts one chair-friendly back stretch at a time."""

__version__ = "0.1.0"
