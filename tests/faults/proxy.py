"""A tiny TCP proxy on 127.0.0.1 that cuts connections after N bytes from the server.

Who calls it: ``tests/faults/test_network.py``. It forwards bytes untouched
(TLS passes straight through, the client still verifies Dovecot's
certificate), so the fault it makes is real: the client sees a partial
response and then a closed socket, exactly as when a link drops.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Callable


class CuttingProxy:
    """Forward 127.0.0.1:``port`` to ``upstream``; cut connection *k* after ``budget(k)`` bytes.

    Args:
        upstream: ``(host, port)`` of the real server.
        budget: For the k-th accepted connection (0-based), how many bytes of
            server→client data to pass before closing both sides; None passes everything.
    """

    def __init__(self, upstream: tuple[str, int], budget: Callable[[int], int | None]) -> None:
        self.upstream = upstream
        self.budget = budget
        self.connections = 0
        self.cuts = 0
        self.server_bytes: list[int] = []
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(self._listener.getsockname()[1])
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._socks: list[socket.socket] = []
        self._lock = threading.Lock()

    def __enter__(self) -> CuttingProxy:
        t = threading.Thread(target=self._accept, daemon=True)
        t.start()
        self._threads.append(t)
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._stop.set()
        with contextlib.suppress(OSError):
            self._listener.close()
        with self._lock:
            for s in self._socks:
                with contextlib.suppress(OSError):
                    s.close()

    def _accept(self) -> None:
        self._listener.settimeout(0.2)
        while not self._stop.is_set():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            k = self.connections
            self.connections += 1
            try:
                server = socket.create_connection(self.upstream, timeout=10)
            except OSError:
                client.close()
                continue
            server.settimeout(None)
            with self._lock:
                self._socks += [client, server]
                self.server_bytes.append(0)
            limit = self.budget(k)
            state = {"closed": False}

            def cut(c: socket.socket = client, s: socket.socket = server, st: dict = state) -> None:
                with self._lock:
                    if st["closed"]:
                        return
                    st["closed"] = True
                for sock in (c, s):
                    with contextlib.suppress(OSError):
                        sock.shutdown(socket.SHUT_RDWR)
                    with contextlib.suppress(OSError):
                        sock.close()

            def up(c: socket.socket = client, s: socket.socket = server) -> None:
                try:
                    while data := c.recv(65536):
                        s.sendall(data)
                except OSError:
                    pass
                cut()

            def down(
                c: socket.socket = client,
                s: socket.socket = server,
                k: int = k,
                lim: int | None = limit,
            ) -> None:
                sent = 0
                try:
                    while data := s.recv(65536):
                        if lim is not None and sent + len(data) >= lim:
                            c.sendall(data[: lim - sent])
                            sent = lim
                            self.server_bytes[k] = sent
                            self.cuts += 1
                            break
                        c.sendall(data)
                        sent += len(data)
                        self.server_bytes[k] = sent
                except OSError:
                    pass
                cut()

            for fn in (up, down):
                t = threading.Thread(target=fn, daemon=True)
                t.start()
                self._threads.append(t)
