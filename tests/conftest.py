"""Shared fixtures. Desktop fixtures live in tests/desktop_stack.py (Xvfb, D-Bus, dunst, trayer),
tests/wayland_stack.py (sway, waybar, mako) and tests/xfce_stack.py (xfce4-panel)."""

pytest_plugins = ["desktop_stack", "wayland_stack", "xfce_stack"]
