"""The county server's staff API as county mode calls it: one signed-in session over httpx.

No Qt here: every call runs on a worker thread (``ops.py``) and raises ``UserError`` with the
server's own bilingual message, so the window shows "the household number is already in the
registry" rather than "HTTP 422". The server decides what each account may do; this client only
carries the token.
"""

from __future__ import annotations

import contextlib
import hashlib
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from fieldsurvey.api import county as answers
from fieldsurvey.api.errors import ErrorCode
from fieldsurvey.api.lists import KeysetPage
from fieldsurvey.core.errors import Cancelled, UserError
from fieldsurvey.core.text import Text
from fieldsurvey.sync.urls import normalise_url, refuse_insecure_http

TIMEOUT = httpx.Timeout(30.0, read=600.0)  # a roster check of a whole county reads for minutes
CHUNK = 1024 * 1024
Progress = Callable[[int, int], None]
M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True, slots=True)
class Me:
    """Who signed in, as the server says (the role decides which tabs the window shows)."""

    username: str
    role: str
    villages: tuple[str, ...] | None  # None: the whole county
    county: str
    county_name: str

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def is_staff(self) -> bool:
        return self.role in ("county_staff", "admin")


class ApiError(UserError):
    """An error answer of the server: its code, its message and any extra fields (a report)."""

    def __init__(
        self, text: Text, code: str, status: int, body: dict[str, Any] | None = None
    ) -> None:
        super().__init__(text, code=code)
        self.status = status
        self.body = body or {}


class SessionLost(ApiError):
    """401 on a signed-in call: the session was ended, expired, or the account disabled.

    Quiet: the pages show no error box for it; the window says it once and returns to the sign-in.
    """

    quiet = True


class CountyApi:
    """A signed-in session; thread-safe for the calls the workers make one at a time.

    ``http://`` to another computer is refused unless ``allow_insecure_http`` (the user confirmed
    it): the password and the session's token would cross the network in clear text.
    """

    def __init__(
        self,
        server_url: str,
        *,
        transport: httpx.BaseTransport | None = None,
        allow_insecure_http: bool = False,
    ) -> None:
        # imported here: the sync package (cryptography, zstd) loads only when county mode signs in
        from fieldsurvey.sync.transport import direct_mounts, tls_context

        self.server_url = normalise_url(server_url)
        refuse_insecure_http(self.server_url, allow=allow_insecure_http)
        self._client = httpx.Client(
            base_url=self.server_url + "/api/v1",
            timeout=TIMEOUT,
            transport=transport,
            mounts=direct_mounts(self.server_url),
            verify=tls_context(),
        )  # no system proxy for the LAN
        self._lock = threading.Lock()
        self.token: str | None = None
        self.me: Me | None = None
        self.on_lost: Callable[[], None] | None = (
            None  # called (on the worker) when the session is gone
        )

    def close(self) -> None:
        self._client.close()

    # -- session -----------------------------------------------------------------------------
    def sign_in(self, username: str, password: str) -> Me:
        token = self.get_as(
            answers.Token,
            "/auth/login",
            method="POST",
            json={"username": username, "password": password},
            auth=False,
        )
        self.token = token.token
        me = self.get_as(answers.Me, "/auth/me")
        info = self.get_as(answers.CountyInfo, "/info", auth=False)
        self.me = Me(
            me.username,
            me.role,
            tuple(me.villages) if me.villages is not None else None,
            info.county or "",
            info.county_name or "",
        )
        return self.me

    def get_as(
        self, model: type[M], path: str, *, method: str = "GET", auth: bool = True, **kwargs: Any
    ) -> M:
        """An answer read into its model of ``fieldsurvey/api/`` (the route's ``response_model``)
        instead of a dict read by key; an answer that does not fit is the server's fault, said
        as such."""
        answer = self._call(method, path, auth=auth, **kwargs)
        try:
            return model.model_validate(answer)
        except ValidationError as e:
            raise UserError(
                Text(
                    "县级服务器的回答格式不对，请联系管理员",
                    "the county server's answer is malformed; tell its administrator",
                ),
                code="bad_answer",
            ) from e

    def page(self, model: type[M], path: str, **params: Any) -> KeysetPage[M]:
        """One page of a keyset-paged list (``None`` and empty parameters left out)."""
        return self.get_as(KeysetPage[model], path, params=_clean(params))  # type: ignore[valid-type]

    def sign_out(self) -> None:
        if self.token:
            with contextlib.suppress(UserError):  # signing out of an expired session is fine
                self._call("POST", "/auth/logout")
        self.token = None
        self.me = None

    # -- calls -------------------------------------------------------------------------------
    def get(self, path: str, **params: Any) -> Any:
        return self._call("GET", path, params=_clean(params))

    def post(self, path: str, json: Any = None, **params: Any) -> Any:
        return self._call("POST", path, json=json, params=_clean(params))

    def get_bytes(self, path: str) -> bytes:
        """A binary answer (a photo), with the same errors as the JSON calls."""
        response = self._request("GET", path, headers=self._headers(True))
        if response.status_code >= 400:
            self._checked(response, True)
        return response.content

    def put(self, path: str, json: Any = None) -> Any:
        return self._call("PUT", path, json=json)

    def delete(self, path: str) -> Any:
        return self._call("DELETE", path)

    def _headers(self, auth: bool) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if auth and self.token else {}

    def _call(self, method: str, path: str, *, auth: bool = True, **kwargs: Any) -> Any:
        headers = {**self._headers(auth), **kwargs.pop("headers", {})}
        response = self._request(method, path, headers=headers, **kwargs)
        return self._checked(response, auth)

    def _request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """One request, its network failures said as people read them (the answer unchecked)."""
        try:
            return self._client.request(method, path, **kwargs)
        except httpx.TimeoutException as e:
            raise UserError(
                Text("服务器响应超时，请稍后重试", "the server did not answer in time; try again"),
                code="timeout",
            ) from e
        except httpx.TransportError as e:
            raise UserError(
                Text(
                    "无法连接县级服务器，请检查网络和服务器地址",
                    "cannot reach the county server; check the network and the address",
                ),
                code="unreachable",
            ) from e

    def _checked(self, response: httpx.Response, auth: bool) -> Any:
        try:
            return _answer(response)
        except ApiError as e:
            if not (auth and self.token and e.status == 401):
                raise
            lost = SessionLost(e.text, e.code, e.status, e.body)
        if self.on_lost is not None:
            self.on_lost()
        raise lost

    # -- files -------------------------------------------------------------------------------
    def download(
        self,
        path: str,
        target: Path,
        params: dict[str, Any],
        *,
        progress: Progress | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> int:
        """Stream a file to ``target`` (written next to it, then renamed; mode 0600); returns bytes."""
        from fieldsurvey.ledger.output import atomic_output

        done = 0
        try:
            with self._client.stream(
                "GET", path, params=_clean(params), headers=self._headers(True)
            ) as response:
                if response.status_code >= 400:
                    response.read()
                    self._checked(response, True)
                total = int(response.headers.get("content-length") or 0)
                with atomic_output(target) as f:
                    for block in response.iter_bytes(256 * 1024):
                        if cancelled and cancelled():
                            raise Cancelled()
                        f.write(block)
                        done += len(block)
                        if progress:
                            progress(done, total)
        except httpx.TransportError as e:
            raise UserError(
                Text("下载中断，请重试", "the download was interrupted; try again"),
                code="unreachable",
            ) from e
        return done

    def upload_roster(
        self,
        path: Path,
        *,
        progress: Progress | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> str:
        """Send an .xlsx in 1 MiB chunks (the server's request limit); returns the upload id."""
        from fieldsurvey.core.files import read_limited
        from fieldsurvey.core.roster_limits import MAX_FILE, WORKBOOK

        data = read_limited(
            path, MAX_FILE, WORKBOOK
        )  # the server's bound, said before a byte is sent
        start = self.post(
            "/roster/uploads",
            {"size": len(data), "sha256": hashlib.sha256(data).hexdigest(), "filename": path.name},
        )
        upload_id, offset = str(start["upload_id"]), int(start["offset"])
        while offset < len(data):
            if cancelled and cancelled():
                self.delete(f"/roster/uploads/{upload_id}")
                raise Cancelled()
            answer = self._call(
                "PUT",
                f"/roster/uploads/{upload_id}/chunk",
                params={"offset": offset},
                content=data[offset : offset + CHUNK],
                headers={"Content-Type": "application/octet-stream"},
            )
            offset = int(answer["offset"])
            if progress:
                progress(offset, len(data))
        return upload_id


def _clean(params: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for key, value in params.items():
        if value is None or value == "":
            continue
        out[key] = ("true" if value else "false") if isinstance(value, bool) else value
    return out


def _answer(response: httpx.Response) -> Any:
    if response.status_code < 400:
        return response.json() if response.content else None
    try:
        body = response.json()
    except ValueError:
        body = {}
    message = body.get("message") if isinstance(body, dict) else None
    if isinstance(message, dict) and "zh" in message and "en" in message:
        text = Text(str(message["zh"]), str(message["en"]))
    elif response.status_code >= 500:
        text = Text(
            "县级服务器出错了，请联系管理员", "the county server failed; tell its administrator"
        )
    else:
        text = Text(
            f"服务器拒绝了请求（{response.status_code}）",
            f"the server refused the request ({response.status_code})",
        )
    code = (
        str(body.get("error") or f"http_{response.status_code}")
        if isinstance(body, dict)
        else f"http_{response.status_code}"
    )
    raise ApiError(
        text, known_code(code), response.status_code, body if isinstance(body, dict) else None
    )


def known_code(code: str) -> str:
    """The catalogue's member for a code the server answered (``ErrorCode`` is a ``str``), or the
    text as it came (an ``http_…`` stand-in, or a code of a newer server)."""
    try:
        return ErrorCode(code)
    except ValueError:
        return code
