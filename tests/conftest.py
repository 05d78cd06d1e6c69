"""Shared fixtures. Desktop fixtures (Xvfb, D-Bus, dunst, trayer) live in tests/desktop_stack.py."""

pytest_plugins = ["desktop_stack", "wayland_stack"]
