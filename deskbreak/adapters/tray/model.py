"""pystray's menu model (Menu, MenuItem) and Icon base class, without choosing a pystray backend.

`import pystray` picks its backend while importing: GTK when PyGObject is installed, else a
connection to the X display, which fails on Wayland. The model lives in `pystray._base`, which
needs neither (only the standard library and six), so the StatusNotifierItem tray loads that file
by itself, under its own name. A later `import pystray` (the fallback trays) then finds
`pystray._base` in sys.modules and uses the very same classes.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

BASE = "pystray._base"


def pystray_base() -> ModuleType:
    """The module `pystray._base`, imported without running `pystray/__init__.py`."""
    module = sys.modules.get(BASE)
    if module is not None:
        return module
    package = importlib.util.find_spec("pystray")  # finds the package without importing it
    if package is None or not package.submodule_search_locations:
        raise ImportError("pystray is not installed")
    path = Path(next(iter(package.submodule_search_locations))) / "_base.py"
    spec = importlib.util.spec_from_file_location(BASE, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[BASE] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[BASE]
        raise
    return module
