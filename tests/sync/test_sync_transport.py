"""Cancel reaches the device's HTTP side at once: during a request that gets no answer, and
during the back-off between retries (not after the read timeout or the longest back-off)."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from fieldsurvey.core.errors import Cancelled
from fieldsurvey.sync.transport import RetryPolicy, Transport


@contextmanager
def listener(on_connect: str, cancel: threading.Event) -> Iterator[str]:
    """A server on 127.0.0.1 that sets ``cancel`` when the client connects, then either says
    nothing (``silent``) or hangs up at once (``hang_up``)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    held: list[socket.socket] = []

    def accept() -> None:
        try:
            while True:
                conn, _ = server.accept()
                held.append(conn)
                if on_connect == "hang_up":
                    conn.close()
                cancel.set()
        except OSError:
            return  # the listener was closed

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.getsockname()[1]}"
    finally:
        # shutdown() wakes accept() on Linux, where close() alone does not; elsewhere it may
        # refuse a listening socket, and close() ends accept() there.
        with contextlib.suppress(OSError):
            server.shutdown(socket.SHUT_RDWR)
        server.close()
        for conn in held:
            conn.close()
        thread.join(5)


@pytest.mark.parametrize("on_connect", ["silent", "hang_up"])
def test_cancel_ends_a_request_at_once(on_connect: str) -> None:
    """A silent server used to hold the worker for the whole read timeout (60 s here), a server
    that hangs up for the back-off before the next attempt (up to 60 s here)."""
    cancel = threading.Event()
    policy = RetryPolicy(attempts=3, base=60.0, cap=60.0, timeout=60.0)
    with listener(on_connect, cancel) as url:
        t = Transport(url, policy=policy, cancel=cancel)
        started = time.monotonic()
        try:
            with pytest.raises(Cancelled):
                t.info()
        finally:
            t.close()
        assert time.monotonic() - started < policy.timeout / 4
