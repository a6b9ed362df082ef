"""A TCP proxy on 127.0.0.1 that counts every byte and cuts connections at random points.

It stands for the village's mobile link. While ``cutting`` is on, every ``every``-th new
connection is marked to be cut after a random number of bytes (log-uniform between
``min_bytes`` and ``max_bytes``, so short requests and long feed pages are both hit) in a
random direction: both sockets are then closed mid-stream — in the middle of a request, of an
upload chunk, of a feed page or of the answer to a commit the server has already applied. A
marked connection that carries fewer bytes ends normally. The client's reconnection is the next
connection, so a sync always gets through in the end, as on a link that keeps coming back. Counts are
kept per direction so the report can give bytes on the wire per visit. Nothing leaves
127.0.0.1; the proxy stops with ``close()``.
"""

from __future__ import annotations

import contextlib
import math
import random
import socket
import threading
from dataclasses import dataclass


@dataclass
class Counts:
    connections: int = 0
    cut: int = 0
    up: int = 0  # device → server
    down: int = 0  # server → device

    def minus(self, before: Counts) -> Counts:
        return Counts(
            self.connections - before.connections,
            self.cut - before.cut,
            self.up - before.up,
            self.down - before.down,
        )


class CuttingProxy:
    def __init__(
        self,
        target_port: int,
        *,
        every: int = 2,
        min_bytes: int = 200,
        max_bytes: int = 256 * 1024,
        seed: int = 1,
    ) -> None:
        self.target_port = target_port
        self.every, self.min_bytes, self.max_bytes = every, min_bytes, max_bytes
        self._armed = 0
        self.cutting = False
        self._rng = random.Random(seed)
        self._lock = threading.Lock()
        self._counts = Counts()
        self._stop = threading.Event()
        self.listener = socket.create_server(("127.0.0.1", 0), backlog=128)
        self.port = int(self.listener.getsockname()[1])
        threading.Thread(target=self._accept, name="proxy-accept", daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def counts(self) -> Counts:
        with self._lock:
            return Counts(**vars(self._counts))

    def _accept(self) -> None:
        self.listener.settimeout(0.2)
        while not self._stop.is_set():
            try:
                client, _ = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target_port), timeout=10)
                upstream.settimeout(None)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._counts.connections += 1
                limit = None
                if self.cutting:
                    self._armed += 1
                    if self._armed % self.every == 0:
                        limit = round(
                            math.exp(
                                self._rng.uniform(
                                    math.log(self.min_bytes), math.log(self.max_bytes)
                                )
                            )
                        )
                up_cut = self._rng.random() < 0.5
            conn = _Connection(self, client, upstream)
            threading.Thread(
                target=conn.pipe,
                args=(client, upstream, True, limit if up_cut else None),
                daemon=True,
            ).start()
            threading.Thread(
                target=conn.pipe,
                args=(upstream, client, False, None if up_cut else limit),
                daemon=True,
            ).start()

    def _count(self, up: bool, n: int) -> None:
        with self._lock:
            if up:
                self._counts.up += n
            else:
                self._counts.down += n

    def _note_cut(self) -> None:
        with self._lock:
            self._counts.cut += 1

    def close(self) -> None:
        self._stop.set()
        with contextlib.suppress(OSError):
            self.listener.close()


class _Connection:
    """Two sockets piped both ways; a cut in either direction closes both."""

    def __init__(self, proxy: CuttingProxy, client: socket.socket, upstream: socket.socket) -> None:
        self.proxy, self.client, self.upstream = proxy, client, upstream
        self._closed = threading.Event()
        self._lock = threading.Lock()
        self._open_directions = 2

    def pipe(self, src: socket.socket, dst: socket.socket, up: bool, limit: int | None) -> None:
        sent = 0
        try:
            while not self._closed.is_set():
                data = src.recv(65536)
                if not data:
                    with contextlib.suppress(OSError):
                        dst.shutdown(
                            socket.SHUT_WR
                        )  # pass the half-close on, keep the other way open
                    self._direction_done()
                    return
                if limit is not None and sent + len(data) >= limit:
                    dst.sendall(data[: limit - sent])
                    self.proxy._count(up, limit - sent)
                    self.proxy._note_cut()
                    break
                dst.sendall(data)
                sent += len(data)
                self.proxy._count(up, len(data))
        except OSError:
            pass
        self.close()

    def _direction_done(self) -> None:
        with self._lock:
            self._open_directions -= 1
            last = self._open_directions == 0
        if last:
            self.close()

    def close(self) -> None:
        with self._lock:
            if self._closed.is_set():
                return
            self._closed.set()
        for s in (self.client, self.upstream):
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
            with contextlib.suppress(OSError):
                s.close()
