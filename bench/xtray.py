"""Which processes have an icon docked in the tray host: XEmbed windows reparented away from the
root (the walk of tests/desktop_stack.py `tray_clients`), each mapped to its owner's PID with the
X-Resource extension (so two icons launched in a row are never confused)."""

from __future__ import annotations


class TrayIcons:
    def __init__(self, display_name: str) -> None:
        from Xlib import display

        self._d = display.Display(display_name)
        self._xembed = self._d.intern_atom("_XEMBED_INFO")

    def close(self) -> None:
        self._d.close()

    def docked_pids(self) -> set[int]:
        from Xlib import error as xerror

        found: set[int] = set()

        def walk(win, depth: int) -> None:
            try:
                children = win.query_tree().children
            except xerror.XError:
                return
            for child in children:
                try:
                    if depth > 0 and child.get_full_property(self._xembed, 0) is not None:
                        pid = self.pid_of(int(child.id))
                        if pid:
                            found.add(pid)
                except xerror.XError:
                    continue
                walk(child, depth + 1)

        walk(self._d.screen().root, 0)
        return found

    def pid_of(self, window: int) -> int | None:
        from Xlib.ext import res

        reply = self._d.res_query_client_ids([{"client": window, "mask": res.LocalClientPIDMask}])
        for client in reply.ids:
            if client.value:
                return int(client.value[0])
        return None
