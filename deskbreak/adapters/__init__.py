"""Adapters: the outside world behind the ports of `deskbreak.ports`, one folder per port.

Each folder's `__init__` chooses a backend at start-up (lazy imports, an environment override, as
`pystray.backend()` does) and holds one module per platform or library: `tray/`, `notify/`,
`activity/`, `sleep/`, `autostart/`, `window/`; `calendar`, `charts`, `editor` and `fakes` are
single modules. Adapters may import the core and the ports, never the daemon.
"""
