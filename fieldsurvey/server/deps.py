"""FastAPI dependencies: the data directory, a transaction, and who is asking.

A route declares ``Staff`` (a logged-in person) or ``DeviceCaller`` (a signed device request) and
receives a ``Principal`` that knows its role and villages; queries then filter by it. ``Now`` is
the app's clock (tests move it instead of sleeping) and ``Address`` the caller's address as the
sign-in throttle counts it (behind a proxy, what uvicorn took from X-Forwarded-For).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Header, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from fieldsurvey.core.text import Text
from fieldsurvey.server.auth.identity import (
    AuthError,
    Principal,
    device_for_request,
    user_for_token,
)
from fieldsurvey.server.auth.throttle import address_key
from fieldsurvey.server.batches.uploads import Uploads
from fieldsurvey.server.db.engine import ServerDir

bearer = HTTPBearer(auto_error=False, description="Session token from POST /api/v1/auth/login")


def server_dir(request: Request) -> ServerDir:
    return request.app.state.server_dir  # type: ignore[no-any-return]


def uploads(request: Request) -> Uploads:
    return request.app.state.uploads  # type: ignore[no-any-return]


def db(sd: Annotated[ServerDir, Depends(server_dir)]) -> Iterator[Session]:
    with sd.transaction() as session:
        yield session


def clock(request: Request) -> datetime:
    return request.app.state.clock()  # type: ignore[no-any-return]


def client_address(request: Request) -> str:
    return address_key(request.client.host if request.client else None)


ServerDirDep = Annotated[ServerDir, Depends(server_dir)]
UploadsDep = Annotated[Uploads, Depends(uploads)]
SessionDep = Annotated[Session, Depends(db)]
Now = Annotated[datetime, Depends(clock)]
Address = Annotated[str, Depends(client_address)]


def staff(
    sd: ServerDirDep,
    creds: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    now: Now,
) -> Principal:
    if creds is None or not creds.credentials:
        raise AuthError(Text("请先登录", "log in first"), code="not_logged_in")
    # A short transaction of its own: on SQLite every transaction holds the write lock, so the
    # caller check must be over before the route's own work (ingest) opens another.
    with sd.transaction() as session:
        return user_for_token(session, creds.credentials[:256], now)


async def _body(request: Request) -> bytes:
    return await request.body()


def device_caller(
    request: Request,
    sd: ServerDirDep,
    body: Annotated[bytes, Depends(_body)],
    x_fs_device: Annotated[str | None, Header()] = None,
    x_fs_timestamp: Annotated[str | None, Header()] = None,
    x_fs_signature: Annotated[str | None, Header()] = None,
) -> Principal:
    if not (x_fs_device and x_fs_timestamp and x_fs_signature):
        raise AuthError(
            Text("缺少设备签名", "the device signature headers are missing"), code="unsigned"
        )
    path = request.scope.get("raw_path", request.url.path.encode()).decode("latin-1")
    query = request.scope.get("query_string", b"").decode("latin-1")
    with sd.transaction() as session:
        _device, principal = device_for_request(
            session,
            device_id=x_fs_device,
            timestamp=x_fs_timestamp[:20],
            signature=x_fs_signature[:200],
            method=request.method,
            path=path + (f"?{query}" if query else ""),
            body=body,
        )
    return principal


Staff = Annotated[Principal, Depends(staff)]
DeviceCaller = Annotated[Principal, Depends(device_caller)]
