"""The device's HTTP side: enrollment, resumable chunked uploads and feed pages, with retries.

Every call has a timeout; network errors and 5xx answers are retried with exponential backoff
and full jitter (so a county office's laptops do not retry in step after an outage); a 4xx is
the server's considered answer and is raised at once as a ``UserError`` with its message.
An upload first asks where the server stands (``offset``), so a connection cut mid-upload
resumes from the last byte the server kept. Everything is synchronous and meant to run on a
worker thread: ``progress`` is called with bytes done and total, ``cancel`` is checked between
chunks and retries (raising ``Cancelled``).
"""

from __future__ import annotations

import functools
import hashlib
import ipaddress
import os
import random
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx

from fieldsurvey import __version__
from fieldsurvey.api.errors import ErrorCode
from fieldsurvey.core.errors import Cancelled, UserError
from fieldsurvey.core.text import Text
from fieldsurvey.sync.batch import Identity
from fieldsurvey.sync.keys import KeyPair
from fieldsurvey.sync.signing import sign_request

CHUNK = 256 * 1024
# How often a request in flight looks at ``cancel``: Cancel answers within this, not after the
# read timeout (30 s) that a server which accepts and never answers would otherwise cost.
CANCEL_POLL_S = 0.05
Progress = Callable[[str, int, int], None]
UNREACHABLE = Text(
    "无法连接县级服务器，请检查网络后重试",
    "cannot reach the county server; check the connection and try again",
)


@dataclass
class RetryPolicy:
    attempts: int = 8
    base: float = 0.5
    cap: float = 30.0
    timeout: float = 30.0
    sleep: Callable[[float], None] = time.sleep

    def delay(self, attempt: int) -> float:
        return random.uniform(0, min(self.cap, self.base * 2**attempt))  # full jitter


class ServerError(UserError):
    """A 4xx answer: the server understood and refused."""

    def __init__(self, status: int, body: dict[str, Any]) -> None:
        said = body.get("message")
        message: dict[str, Any] = said if isinstance(said, dict) else {}
        text = Text(
            str(message.get("zh") or f"服务器拒绝了请求（{status}）"),
            str(message.get("en") or f"the server refused the request ({status})"),
        )
        UserError.__init__(self, text, code=str(body.get("error") or f"http_{status}"))
        self.status = status
        self.body = body


class _Retry(Exception):
    pass


def _error_code(response: httpx.Response) -> str | None:
    try:
        body = response.json()
    except ValueError:
        return None
    return str(body.get("error")) if isinstance(body, dict) else None


def is_local_host(host: str) -> bool:
    """Loopback, a private (RFC 1918, IPv6 ULA) or link-local address, ``localhost``, or a name
    without a dot (an intranet name, as Windows' own proxy settings treat "<local>")."""
    host = host.strip("[]").lower().rstrip(".")
    if not host:
        return False
    try:
        address = ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return host == "localhost" or host.endswith(".localhost") or "." not in host
    return address.is_loopback or address.is_private or address.is_link_local


def direct_mounts(base_url: str) -> dict[str, None]:
    """httpx mounts that reach ``base_url`` directly when it is on this machine or the LAN.

    httpx takes its proxy from the environment and, on Windows and macOS, from the system's
    settings (``urllib.request.getproxies``), but not the system's list of addresses to reach
    directly. A corporate proxy would then carry — or refuse — the county server on the office
    LAN and the demo on 127.0.0.1. The pattern's ``None`` means "no proxy" (httpx's own form).
    """
    host = urlsplit(base_url).hostname or ""
    if not is_local_host(host):
        return {}
    literal = f"[{host}]" if ":" in host else host
    return {f"all://{literal}": None}


def tls_context() -> ssl.SSLContext:
    """The certificates a client trusts: certifi's, or ``SSL_CERT_FILE``/``SSL_CERT_DIR`` where
    set (how a county with its own certificate has its laptops trust it).

    Made once per setting and shared: every ``httpx.Client`` otherwise loads the whole bundle
    again, about 25 ms of CPU, and the sync client, county mode and the CLI make many.
    """
    return _tls_context(os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR"))


@functools.lru_cache(maxsize=4)
def _tls_context(_cert_file: str | None, _cert_dir: str | None) -> ssl.SSLContext:
    return httpx.create_ssl_context()  # reads the two variables itself (trust_env)


class Transport:
    def __init__(
        self,
        base_url: str,
        *,
        identity: Identity | None = None,
        policy: RetryPolicy | None = None,
        progress: Progress | None = None,
        cancel: threading.Event | None = None,
        chunk: int = CHUNK,
        client: httpx.Client | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.identity = identity
        self.policy = policy or RetryPolicy()
        self.progress = progress or (lambda _phase, _done, _total: None)
        self.cancel = cancel or threading.Event()
        self.chunk = chunk
        self.client = client or httpx.Client(
            base_url=self.base_url,
            timeout=httpx.Timeout(self.policy.timeout, connect=10.0),
            headers={"User-Agent": f"fieldsurvey/{__version__}"},
            mounts=direct_mounts(self.base_url),
            verify=tls_context(),
        )

    def close(self) -> None:
        self.client.close()

    # -- one request, retried ---------------------------------------------------------------
    def _check_cancel(self) -> None:
        if self.cancel.is_set():
            raise Cancelled()

    def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json: Any = None,
        content: bytes | None = None,
        signed: bool = True,
    ) -> httpx.Response:
        last: Exception | None = None
        for attempt in range(self.policy.attempts):
            self._check_cancel()
            try:
                return self._once(
                    method, path, params=params, json=json, content=content, signed=signed
                )
            except (httpx.TransportError, _Retry) as e:
                last = e
                if attempt + 1 < self.policy.attempts:
                    self._pause(self.policy.delay(attempt))
        raise UserError(UNREACHABLE, code="unreachable") from last

    def _pause(self, seconds: float) -> None:
        """The back-off before a retry, cut short by Cancel."""
        if self.policy.sleep is time.sleep:
            self.cancel.wait(seconds)
        else:
            self.policy.sleep(seconds)
        self._check_cancel()

    def _send(self, request: httpx.Request) -> httpx.Response:
        """``client.send`` on a helper thread, so that Cancel is answered at once.

        httpx cannot interrupt a blocking read: a server that accepts the connection and never
        answers (a captive portal, a half-open tunnel) held the worker — and the secretary looking
        at the progress dialog — until the read timeout. Here the worker waits for the request or
        for Cancel, whichever comes first; an abandoned request ends on its own timeout and its
        answer is dropped. That is safe because every call is one the protocol repeats anyway
        after a cut connection (uploads resume from the server's offset, feed pages are re-read).
        """
        box: dict[str, Any] = {}
        done = threading.Event()

        def send() -> None:
            try:
                box["response"] = self.client.send(request)
            except BaseException as e:  # handed to the waiting thread below
                box["error"] = e
            finally:
                done.set()

        threading.Thread(target=send, name="fieldsurvey-http", daemon=True).start()
        while not done.wait(CANCEL_POLL_S):
            if self.cancel.is_set():
                raise Cancelled()
        if "error" in box:
            raise box["error"]
        response: httpx.Response = box["response"]
        return response

    def _once(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None,
        json: Any,
        content: bytes | None,
        signed: bool,
    ) -> httpx.Response:
        request = self.client.build_request(
            method, "/api/v1" + path, params=params, json=json, content=content
        )
        if signed:
            if self.identity is None:
                raise UserError(
                    Text("本设备尚未注册", "this device is not enrolled"), code="not_enrolled"
                )
            path_query = request.url.raw_path.decode("latin-1")
            request.headers.update(
                sign_request(
                    self.identity.keys.signing,
                    self.identity.device_id,
                    method,
                    path_query,
                    int(time.time()),
                    request.content,
                )
            )
        response = self._send(request)
        if response.status_code == 429 and _error_code(response) == ErrorCode.TOO_MANY_ATTEMPTS:
            raise ServerError(
                429, response.json()
            )  # the county's own throttle: retrying only extends the wait
        if response.status_code >= 500 or response.status_code == 429:
            raise _Retry(f"server answered {response.status_code}")
        if response.status_code >= 400:
            try:
                body = response.json()
            except ValueError:
                body = {}
            raise ServerError(response.status_code, body if isinstance(body, dict) else {})
        return response

    # -- enrollment ---------------------------------------------------------------------------
    def enroll(self, code: str, keys: KeyPair, label: str) -> dict[str, Any]:
        signing, encryption = keys.public_b64()
        body = {"code": code, "signing_key": signing, "encryption_key": encryption, "label": label}
        return dict(self.request("POST", "/enroll", json=body, signed=False).json())

    def info(self) -> dict[str, Any]:
        return dict(self.request("GET", "/info", signed=False).json())

    # -- upload --------------------------------------------------------------------------------
    def upload(self, batch_id: str, data: bytes) -> dict[str, Any]:
        """Send a sealed batch in chunks, resuming after cuts; returns the server's result."""
        sha = hashlib.sha256(data).hexdigest()
        for _round in range(self.policy.attempts):
            offset = int(
                self.request(
                    "POST", f"/uploads/{batch_id}", json={"size": len(data), "sha256": sha}
                ).json()["offset"]
            )
            try:
                while offset < len(data):
                    self._check_cancel()
                    self.progress("upload", offset, len(data))
                    piece = data[offset : offset + self.chunk]
                    offset = int(self._chunk(batch_id, offset, piece))
                self.progress("upload", len(data), len(data))
                return dict(self.request("POST", f"/uploads/{batch_id}/commit").json())
            except ServerError as e:
                if e.code in (ErrorCode.WRONG_OFFSET, ErrorCode.NO_UPLOAD, ErrorCode.INCOMPLETE):
                    continue  # the server's state moved (another attempt, a restart): ask again
                raise
        raise UserError(UNREACHABLE, code="unreachable")

    def _chunk(self, batch_id: str, offset: int, piece: bytes) -> int:
        try:
            r = self.request(
                "PUT", f"/uploads/{batch_id}/chunk", params={"offset": offset}, content=piece
            )
        except ServerError as e:
            if e.code == ErrorCode.WRONG_OFFSET and isinstance(e.body.get("offset"), int):
                return int(e.body["offset"])  # a retried chunk had arrived after all
            raise
        return int(r.json()["offset"])

    # -- download ------------------------------------------------------------------------------
    def feed_page(self, cursor: str | None, limit: int | None = None) -> bytes:
        params: dict[str, Any] = {}
        if cursor:
            params["cursor"] = cursor
        if limit:
            params["limit"] = limit
        return self.request("GET", "/feed", params=params).content
