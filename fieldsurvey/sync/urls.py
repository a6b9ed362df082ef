"""Which server addresses may be spoken to in plain HTTP: only this computer's own.

A password, a bearer token or an enrollment code sent over ``http://`` to another machine can be
read and replayed by anyone on the way, a private LAN included (a shared office switch, the
county's Wi-Fi). So the county app and ``fieldsurvey enroll`` ask before using ``http://`` to a
host that is not loopback, and ``server run`` refuses to listen on such an address without TLS.
Only literal loopback addresses and ``localhost`` count: a name is not resolved, because whoever
controls the network also controls what a name resolves to.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from fieldsurvey.core.errors import UserError
from fieldsurvey.core.text import Text

INSECURE_HTTP = Text(
    "该地址使用未加密的 http://，且不在本机：密码、注册码和数据在网络上可被窃听。请改用 https://，或确认后继续",
    "this address uses unencrypted http:// to another computer: passwords, codes and data can be read on the "
    "network. Use https://, or confirm to go on",
)


def is_loopback_host(host: str) -> bool:
    """True for ``localhost`` and loopback IP literals (127.0.0.0/8, ::1)."""
    name = host.strip().strip("[]").rstrip(".").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def host_of(url: str) -> str:
    try:
        return urlsplit(url.strip()).hostname or ""
    except ValueError:
        return ""


def is_insecure_http(url: str) -> bool:
    """``http://`` to a host other than this computer (an unparseable address counts as remote)."""
    return url.strip().lower().startswith("http://") and not is_loopback_host(host_of(url))


def refuse_insecure_http(url: str, *, allow: bool, hint: str = "") -> None:
    """Raise ``insecure_http`` unless the address is https, loopback, or the user allowed it."""
    if allow or not is_insecure_http(url):
        return
    text = (
        INSECURE_HTTP
        if not hint
        else Text(f"{INSECURE_HTTP.zh}({hint})", f"{INSECURE_HTTP.en} ({hint})")
    )
    raise UserError(text, code="insecure_http")


def normalise_url(raw: str) -> str:
    """The server address as typed, completed with a scheme, or a sentence saying what is wrong.

    People type what the county office wrote down: ``fupin.example.gov.cn`` or ``192.168.1.20:8400``.
    Handed to the HTTP library as it is, such an address fails as an unknown protocol, which the
    sync would report as "the server cannot be reached" — blaming the network. A bare name is
    completed with https://, this computer's own address with http:// (the demo server); any other
    scheme, or no host at all, is explained.
    """
    url = raw.strip()
    if not url:
        raise UserError(Text("请填写服务器地址", "enter the server address"), code="no_server")
    if "://" not in url:
        url = ("http://" if is_loopback_host(host_of("http://" + url)) else "https://") + url
    url = url.rstrip("/")
    if not url.lower().startswith(("http://", "https://")):
        raise UserError(
            Text(
                f"服务器地址“{raw.strip()}”应以 https:// 或 http:// 开头，例如 https://fupin.example.gov.cn",
                f"the server address '{raw.strip()}' should start with https:// or http://, e.g. https://fupin.example.gov.cn",
            ),
            code="bad_server_url",
        )
    if not host_of(url) or any(c.isspace() for c in url):
        raise UserError(
            Text(
                f"服务器地址“{raw.strip()}”不完整，例如 https://fupin.example.gov.cn",
                f"the server address '{raw.strip()}' is not complete; e.g. https://fupin.example.gov.cn",
            ),
            code="bad_server_url",
        )
    return url
