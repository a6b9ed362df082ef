"""The county server application: FastAPI with documented routes, size limits and clear errors.

Every error a caller can cause is a 4xx with ``{"error": code, "message": {"zh", "en"}}``; a 500
means a bug. Request bodies are limited before they are read (``MAX_REQUEST``), so a huge upload
is cut off at the door rather than filling memory.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from fieldsurvey import __version__
from fieldsurvey.core.errors import UserError
from fieldsurvey.server.auth.identity import AuthError, Forbidden
from fieldsurvey.server.batches.uploads import MAX_CHUNK, Uploads
from fieldsurvey.server.db.engine import ServerDir
from fieldsurvey.server.exports import tables as exports
from fieldsurvey.server.roster.xlsx_upload import RosterUploads

log = logging.getLogger(__name__)
MAX_REQUEST = MAX_CHUNK + 64 * 1024


def status_for(error: UserError) -> int:
    explicit = getattr(error, "status", None)
    if isinstance(explicit, int):
        return explicit
    if isinstance(error, AuthError):
        return 401
    if isinstance(error, Forbidden):
        return 403
    return 404 if error.code == "not_found" else 400


def error_body(code: str, zh: str, en: str, **extra: Any) -> dict[str, Any]:
    return {"error": code, "message": {"zh": zh, "en": en}, **extra}


class BodyLimit:
    """Refuse bodies over ``limit`` bytes, by Content-Length or while streaming."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.limit):
            await self._too_large(send)
            return
        seen = 0

        async def limited() -> Any:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise _TooLarge
            return message

        try:
            await self.app(scope, limited, send)
        except _TooLarge:
            await self._too_large(send)

    async def _too_large(self, send: Send) -> None:
        response = JSONResponse(
            error_body("too_large", "请求太大", "the request is too large"), status_code=413
        )
        await response({"type": "http"}, _empty_receive, send)


class _TooLarge(Exception):
    pass


_CONTROL = re.compile(rb"%(?:0[0-8bcef]|1[0-9a-f]|7f)", re.IGNORECASE)


class ControlCharacters:
    """Refuse a path, query or JSON body that carries NUL or other control characters.

    No legitimate parameter or JSON text field holds one, and PostgreSQL refuses NUL in text,
    which would otherwise surface as a 500 or mid-response (a streamed export cut short) instead
    of as a clear 4xx at the door. Tab, newline and carriage return are left to the routes' own
    validation. Binary bodies (sealed batches) are not looked at.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        raw_path = scope.get("raw_path") or scope.get("path", "").encode("utf-8", "surrogateescape")
        query = scope.get("query_string") or b""
        if (
            _CONTROL.search(query)
            or _CONTROL.search(raw_path)
            or any(c < 0x20 or c == 0x7F for c in raw_path)
        ):
            await _refuse_control(scope, send)
            return
        if b"json" not in (dict(scope.get("headers") or []).get(b"content-type") or b""):
            await self.app(scope, receive, send)
            return
        # A JSON body is small (BodyLimit, outside this, caps it): read it whole, check, replay it.
        chunks: list[bytes] = []
        while True:
            message = await receive()
            if message["type"] != "http.request":
                await self.app(scope, receive, send)
                return
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                break
        body = b"".join(chunks)
        if _JSON_CONTROL.search(body):
            await _refuse_control(scope, send)
            return
        replayed = False

        async def replay() -> Any:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)


# A control character escaped in JSON text (\u0000 … \u001f except tab, newline, return; \u007f),
# or a raw NUL (never valid JSON).
_JSON_CONTROL = re.compile(rb"\\u00(?:0[0-8bcef]|1[0-9a-f]|7f)|\x00", re.IGNORECASE)


async def _refuse_control(scope: Scope, send: Send) -> None:
    response = JSONResponse(
        error_body(
            "invalid_request", "请求中含有控制字符", "the request contains control characters"
        ),
        status_code=400,
    )
    await response(scope, _empty_receive, send)


async def _empty_receive() -> dict[str, Any]:
    return {"type": "http.request", "body": b"", "more_body": False}


def create_app(server_dir: ServerDir, *, clock: Callable[[], datetime] | None = None) -> FastAPI:
    """The app over a data directory; ``clock`` (tests) replaces the wall clock for sessions and sign-in waits."""
    from fieldsurvey.server import public
    from fieldsurvey.server.audit import routes as audit_routes
    from fieldsurvey.server.auth import routes as auth_routes
    from fieldsurvey.server.auth.identity import dummy_hash
    from fieldsurvey.server.batches import inbox_routes, upload_routes
    from fieldsurvey.server.conflicts import routes as conflict_routes
    from fieldsurvey.server.dashboard import routes as dashboard_routes
    from fieldsurvey.server.devices import routes as device_routes
    from fieldsurvey.server.exports import routes as export_routes
    from fieldsurvey.server.feed import routes as feed_routes
    from fieldsurvey.server.households import routes as household_routes
    from fieldsurvey.server.photos import routes as photo_routes
    from fieldsurvey.server.roster import routes as roster_routes
    from fieldsurvey.server.users import routes as user_routes
    from fieldsurvey.server.visits import routes as visit_routes

    app = FastAPI(
        title="FieldSurvey county server 县级汇总服务器",
        version=__version__,
        description="Receives batches from enrolled devices, merges them, serves each device's change feed, "
        "and offers county staff their inbox, conflict queue and registry. See docs/sync-protocol.md.",
    )
    app.state.server_dir = server_dir
    app.state.uploads = Uploads(server_dir.uploads_dir)
    app.state.clock = clock or (lambda: datetime.now(UTC))
    dummy_hash()  # made now, so the first sign-in with an unknown name takes no longer than the next
    app.state.uploads.sweep()  # unfinished uploads older than a day, left while the server was down
    RosterUploads(server_dir).sweep()
    RosterUploads(server_dir).seal_plain()  # an earlier version's plain staged rosters
    exports.sweep(server_dir.path / "exports")  # exports left by a server stopped while sending one

    @app.exception_handler(UserError)
    async def _user_error(_request: Request, exc: UserError) -> JSONResponse:
        extra = getattr(exc, "extra", {}) or {}
        headers = getattr(exc, "headers", None)
        return JSONResponse(
            error_body(exc.code, exc.text.zh, exc.text.en, **extra),
            status_code=status_for(exc),
            headers=headers,
        )

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        where = "; ".join(
            ".".join(str(p) for p in e.get("loc", ())) + f" ({e.get('type')})"
            for e in exc.errors()[:5]
        )
        return JSONResponse(
            error_body(
                "invalid_request", f"请求格式不对：{where}", f"the request is malformed: {where}"
            ),
            status_code=422,
        )

    for module in (
        public,
        auth_routes,
        upload_routes,
        feed_routes,
        photo_routes,
        dashboard_routes,
        household_routes,
        inbox_routes,
        conflict_routes,
        visit_routes,
        user_routes,
        device_routes,
        audit_routes,
        roster_routes,
        export_routes,
    ):
        app.include_router(module.router, prefix="/api/v1")
    app.add_middleware(ControlCharacters)
    app.add_middleware(BodyLimit, limit=MAX_REQUEST)
    return app
