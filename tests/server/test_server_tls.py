"""Transport: the county server speaks TLS for real, and nothing speaks plain HTTP across a network unasked.

A self-signed certificate made here with ``cryptography`` for 127.0.0.1; ``server run`` is a real
process serving HTTPS with it, and clients verify against that certificate (a device enrolling, the
county app signing in), while a client that does not trust it, or plain HTTP, gets nothing.
``server run`` refuses a non-loopback address without TLS (private LAN addresses too) unless told
``--insecure-http``; ``fieldsurvey enroll`` and the county app's ``CountyApi`` refuse ``http://`` to
another computer unless allowed.
"""

from __future__ import annotations

import ipaddress
import ssl
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from fieldsurvey.cli import main
from fieldsurvey.commands.server_setup import listen_refusal
from fieldsurvey.core.errors import UserError
from fieldsurvey.server.devices import enrollment
from fieldsurvey.server.users import accounts
from fieldsurvey.sync.keys import KeyPair
from fieldsurvey.sync.transport import RetryPolicy, Transport
from fieldsurvey.sync.urls import is_insecure_http, is_loopback_host
from tests.support.server import ADMIN_PASSWORD, COUNTY, ServerProcess, free_port, serve_process


def self_signed(directory: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 (and its key), its own issuer: what a county might make with openssl."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "county server test")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(hours=1))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(key.public_key()), critical=False
        )
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "county.crt", directory / "county.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    key_path.chmod(0o600)
    return cert_path, key_path


class TlsServer:
    def __init__(self, server: ServerProcess, cert: Path, output: Path) -> None:
        self.server, self.cert, self.output = server, cert, output

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.server.port}"

    def trusting(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.cert))


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TlsServer]:
    tmp = tmp_path_factory.mktemp("tls")
    server = ServerProcess(tmp / "county", None)
    server.init()
    accounts.add_user(
        server.server_dir,
        "test",
        username="sec_tls",
        role="secretary",
        display_name=None,
        password=None,
    )
    server.server_dir.close()
    cert, key = self_signed(tmp)
    server.port = free_port()
    output = tmp / "server.out"
    tls = TlsServer(server, cert, output)
    try:
        serve_process(
            server, output, tls.url, "--tls-cert", str(cert), "--tls-key", str(key),
            verify=tls.trusting(),
        )  # fmt: skip
        yield tls
    finally:
        server.stop()


def test_server_run_serves_https_with_its_own_certificate(tls_server: TlsServer) -> None:
    r = httpx.get(tls_server.url + "/api/v1/info", verify=tls_server.trusting(), timeout=10)
    assert r.status_code == 200 and r.json()["county"] == COUNTY
    assert f"Serving on https://127.0.0.1:{tls_server.server.port}" in tls_server.output.read_text()
    with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
        httpx.get(
            tls_server.url + "/api/v1/info", timeout=10
        )  # a client that does not trust it is not fooled
    with pytest.raises(httpx.HTTPError):
        r = httpx.get(
            f"http://127.0.0.1:{tls_server.server.port}/api/v1/info", timeout=10
        )  # no plain HTTP on the port
        r.raise_for_status()


def test_a_device_enrolls_and_staff_sign_in_over_tls(
    tls_server: TlsServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What a county with its own certificate does: laptops trust it through SSL_CERT_FILE."""
    from fieldsurvey.ui.county.api import CountyApi

    monkeypatch.setenv("SSL_CERT_FILE", str(tls_server.cert))
    code, _ = enrollment.new_enroll_code(tls_server.server.server_dir, "test", username="sec_tls")
    t = Transport(tls_server.url, policy=RetryPolicy(attempts=2, base=0.05))
    try:
        info = t.enroll(code, KeyPair.generate(), "laptop over TLS")
    finally:
        t.close()
    assert info["user"]["username"] == "sec_tls"
    api = CountyApi(tls_server.url)
    try:
        me = api.sign_in("admin", ADMIN_PASSWORD)
        assert me.is_admin and me.county == COUNTY
        assert any(s["address"] == "127.0.0.1" for s in api.get("/admin/sessions"))
    finally:
        api.close()


# -- refusing plain HTTP across a network -----------------------------------------------------
@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.10", "10.0.0.5", "county.example.cn"])
def test_server_run_refuses_a_network_address_without_tls(
    host: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # No data directory at all: the refusal comes before anything is opened (and a broken check could not listen).
    assert main(["server", "run", "--data-dir", str(tmp_path / "none"), "--host", host]) == 2
    err = capsys.readouterr().err
    assert f"serving on {host}, which is not this computer's loopback, needs HTTPS" in err
    assert "--tls-cert" in err and "--insecure-http" in err and "HTTPS" in err


def test_listening_on_loopback_or_behind_a_proxy_is_allowed() -> None:
    for host in ("127.0.0.1", "127.0.0.53", "localhost", "::1"):
        assert listen_refusal(host, tls=False, insecure_http=False) is None
    assert listen_refusal("0.0.0.0", tls=True, insecure_http=False) is None
    assert listen_refusal("0.0.0.0", tls=False, insecure_http=True) is None
    assert listen_refusal("192.168.1.10", tls=False, insecure_http=False) is not None


def test_server_run_checks_its_certificate_files_before_starting(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cert, _key = self_signed(tmp_path)
    assert (
        main(["server", "run", "--data-dir", str(tmp_path / "none"), "--tls-cert", str(cert)]) == 2
    )
    assert "give --tls-cert and --tls-key together" in capsys.readouterr().err
    (tmp_path / "wrong.key").write_bytes(
        ec.generate_private_key(ec.SECP256R1()).private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    assert (
        main(
            [
                "server",
                "run",
                "--data-dir",
                str(tmp_path / "none"),
                "--tls-cert",
                str(cert),
                "--tls-key",
                str(tmp_path / "wrong.key"),
            ]
        )
        == 2
    )  # a key that is not the certificate's
    assert "cannot load the certificate and key" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("url", "insecure"),
    [
        ("http://192.168.1.20:8400", True),
        ("http://10.0.0.1", True),
        ("http://county.example.cn", True),
        ("http://[fd00::2]:8400", True),
        ("http://0.0.0.0:8400", True),
        ("HTTP://172.16.5.5", True),
        ("https://192.168.1.20:8400", False),
        ("http://127.0.0.1:8400", False),
        ("http://localhost:8400", False),
        ("http://[::1]:8400", False),
        ("http://127.0.0.2", False),
    ],
)
def test_which_addresses_count_as_plain_http_to_another_computer(url: str, insecure: bool) -> None:
    assert is_insecure_http(url) is insecure


def test_a_name_is_never_resolved_to_decide() -> None:
    assert not is_loopback_host("localhost.example.com") and not is_loopback_host(
        "127.0.0.1.nip.io"
    )


def test_enroll_refuses_plain_http_to_another_computer_unless_allowed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = [
        "enroll",
        "--data-dir",
        str(tmp_path / "laptop"),
        "--server",
        "http://192.168.1.20:8400",
        "--code",
        "ABCD-EFGH-JKLM-NPQR",
    ]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "unencrypted http://" in err and "--allow-insecure-http" in err and "未加密" in err
    assert (
        main([*args, "--allow-insecure-http"]) == 2
    )  # allowed: it goes on, to the laptop's (missing) store
    err = capsys.readouterr().err
    assert "unencrypted http://" not in err and err.strip()


def test_the_sync_client_and_the_county_app_refuse_plain_http_to_another_computer() -> None:
    from fieldsurvey.sync.client import SyncClient
    from fieldsurvey.ui.county.api import CountyApi, normalise_url

    with pytest.raises(UserError) as e:
        SyncClient(store=None).enroll(
            "http://10.20.30.40:8400", "ABCD-EFGH-JKLM-NPQR"
        )  # before touching the store
    assert e.value.code == "insecure_http"
    with pytest.raises(UserError) as e:
        CountyApi("http://10.20.30.40:8400")
    assert e.value.code == "insecure_http"
    CountyApi("http://10.20.30.40:8400", allow_insecure_http=True).close()
    CountyApi("http://127.0.0.1:8400").close()
    assert (
        normalise_url("county.example.cn:8400") == "https://county.example.cn:8400"
    )  # a bare name means https
    assert normalise_url("127.0.0.1:8400") == "http://127.0.0.1:8400"
