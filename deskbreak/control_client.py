"""The control socket's client: `deskbreak status` & co and the windows' processes use it.

A neutral module (the CLI, the daemon and the window adapters may all import it): one request,
one reply, over the Unix socket (Windows: loopback TCP with the token the server wrote beside it).
"""

from __future__ import annotations

import errno
import json
import socket
import sys
from pathlib import Path
from typing import Any

from .core import protocol
from .i18n import _
from .paths import MISSING, current_uid, folder_problem_template

USE_TCP = sys.platform == "win32"


class NotRunning(Exception):
    """No daemon answers on the control socket."""


class ControlError(Exception):
    """The socket or its directory cannot be used safely, or the daemon's answer was unusable."""


class ControlClient:
    def __init__(self, socket_path: Path, tcp: bool = USE_TCP):
        self.path = socket_path
        self.tcp = tcp

    def request(self, cmd: str, arg: Any = None, timeout: float = 2.0) -> dict[str, Any]:
        """One round trip. NotRunning when nobody listens; ControlError for a silent or odd daemon."""
        sock = self._connect(timeout)
        try:
            try:
                sock.sendall(protocol.encode_request(cmd, arg))
            except (BrokenPipeError, ConnectionResetError):
                pass  # a daemon that answers at once ("busy") may hang up first: its reply is still there
            line = sock.makefile("rb").readline(protocol.MAX_REPLY + 1)
        except TimeoutError:
            raise ControlError(
                _("the daemon did not answer within {seconds:g} s").format(seconds=timeout)
            ) from None
        except OSError as error:
            raise ControlError(_("the daemon hung up: {why}").format(why=error.strerror or error)) from None
        finally:
            sock.close()
        if not line:
            raise ControlError(_("the daemon closed the connection without an answer"))
        try:
            return protocol.decode_reply(line)
        except protocol.ProtocolError as error:
            raise ControlError(str(error)) from None

    def open_stream(self, cmd: str, timeout: float = 2.0) -> socket.socket:
        """Send a stream command (`follow`, `events`): the blocking socket its reply and then its
        lines arrive on, until the daemon hangs up. NotRunning and ControlError as `request`."""
        sock = self._connect(timeout)
        try:
            sock.sendall(protocol.encode_request(cmd))
        except OSError as error:
            sock.close()
            raise ControlError(_("the daemon hung up: {why}").format(why=error.strerror or error)) from None
        sock.settimeout(None)
        return sock

    def _connect(self, timeout: float) -> socket.socket:
        try:
            self._check_folder()
            if self.tcp:
                info = json.loads(self.path.read_text(encoding="ascii"))
                sock = socket.create_connection(("127.0.0.1", int(info["port"])), timeout=timeout)
                sock.sendall(f"{info['token']}\n".encode("ascii"))
                return sock
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.settimeout(timeout)
            try:
                sock.connect(str(self.path))
            except BaseException:
                sock.close()
                raise
            return sock
        except (FileNotFoundError, ConnectionRefusedError, ValueError, KeyError):
            raise NotRunning() from None
        except TimeoutError:
            raise ControlError(
                _("the daemon did not accept within {seconds:g} s").format(seconds=timeout)
            ) from None
        except OSError as error:
            if error.errno in (errno.ENOENT, errno.ECONNREFUSED, errno.ENOTDIR):
                raise NotRunning() from None
            raise ControlError(
                _("cannot reach the daemon at {path}: {why}").format(
                    path=self.path, why=error.strerror or error
                )
            ) from None

    def _check_folder(self) -> None:
        """Talk only to a daemon in a folder that is ours and closed to others (no symbolic link):
        another user's socket could answer in our daemon's name."""
        folder = self.path.parent
        found = folder_problem_template(folder, current_uid())
        if found is not None and found[0] == MISSING:
            raise NotRunning()
        if found is not None:
            problem = _(found[0]).format(**found[1])
            raise ControlError(
                _("{folder} {problem}: refusing to use the control socket there").format(
                    folder=folder, problem=problem
                )
            )
