"""Fixtures every adapter test may use."""

from pseudo_language import pseudo_language  # noqa: F401 (a fixture: the process in a pseudo-language)
