"""Adapters: one module per outside library or platform, each behind a port from deskbreak.ports."""
