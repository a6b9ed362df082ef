"""Sign-in and sessions on the county server, tried as an attacker would, on SQLite and PostgreSQL.

The API runs in process (FastAPI's TestClient) over a real data directory and database, with a
clock the tests move instead of sleeping: guessing a password is slowed and then locked per account
and per address (429 with a sentence saying when to try again), an unknown user name costs the same
Argon2id verification as a known one, every failure is audited without the password, wrong
enrollment codes are throttled and codes expire, and an admin's disable / reset / end-session
stop tokens and devices at the next request.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, select

from fieldsurvey.core.errors import UserError
from fieldsurvey.server.app import create_app
from fieldsurvey.server.auth import identity as auth
from fieldsurvey.server.batches.ingest import ingest
from fieldsurvey.server.db.engine import ServerDir
from fieldsurvey.server.db.models import AuditEntry, SessionToken, SignInThrottle
from fieldsurvey.server.devices import enrollment
from fieldsurvey.server.users import accounts
from fieldsurvey.sync.batch import Identity, batch_payload, seal_batch
from fieldsurvey.sync.keys import KeyPair
from fieldsurvey.sync.signing import sign_request
from tests.support.server import (
    ADMIN_PASSWORD,
    BACKENDS,
    VILLAGE_A,
    ServerProcess,
    database,
    enroll_secretary,
)

STAFF_PASSWORD = "staff-pass-123"
OFFICE_PASSWORD = "office-pass-456"


@dataclass
class Clock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass
class County:
    sd: ServerDir
    clock: Clock
    app: Any

    def client(self, address: str = "198.51.100.7") -> TestClient:
        return TestClient(self.app, client=(address, 50000))

    def login(self, username: str, password: str, address: str = "198.51.100.7") -> Any:
        return self.client(address).post(
            "/api/v1/auth/login", json={"username": username, "password": password}
        )

    def token(
        self, username: str = "admin", password: str = ADMIN_PASSWORD, address: str = "198.51.100.7"
    ) -> str:
        r = self.login(username, password, address)
        assert r.status_code == 200, r.text
        return str(r.json()["token"])

    def call(self, method: str, path: str, token: str, **kwargs: Any) -> Any:
        return self.client().request(
            method, "/api/v1" + path, headers={"Authorization": f"Bearer {token}"}, **kwargs
        )

    def audit(self, action: str) -> list[AuditEntry]:
        with self.sd.transaction() as s:
            return list(
                s.execute(
                    select(AuditEntry)
                    .where(AuditEntry.action == action)
                    .order_by(AuditEntry.entry_no)
                ).scalars()
            )


def _county(tmp: Path, url: str | None) -> Iterator[County]:
    server = ServerProcess(tmp / "county", url)
    server.init()
    sd = server.server_dir
    accounts.reset_password(
        sd, "test", username="admin", password=ADMIN_PASSWORD
    )  # hashed with the fast parameters
    accounts.add_user(
        sd,
        "test",
        username="staff",
        role="county_staff",
        display_name=None,
        password=STAFF_PASSWORD,
    )
    accounts.add_user(
        sd,
        "test",
        username="office",
        role="county_staff",
        display_name=None,
        password=OFFICE_PASSWORD,
    )
    clock = Clock(datetime.now(UTC))
    try:
        yield County(sd, clock, create_app(sd, clock=clock))
    finally:
        sd.close()


@pytest.fixture(scope="module")
def fast_hashes() -> Iterator[None]:
    """Argon2id with tiny costs for the passwords set here (as tests do for stores): a guess costs a
    millisecond. What is asserted is that every failure costs one verification with the parameters
    in force; ``test_the_production_parameters_are_the_dummy_hashs_too`` checks the real ones."""
    with pytest.MonkeyPatch.context() as m:
        m.setattr(auth, "ARGON2", {**auth.PRODUCTION_ARGON2, "iterations": 1, "memory_cost": 1024})
        yield


@pytest.fixture(scope="module", params=BACKENDS)
def county_db(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, fast_hashes: None
) -> Iterator[County]:
    tmp = tmp_path_factory.mktemp(f"signin-{request.param}")
    with database(request.param) as url:
        yield from _county(tmp, url)


@pytest.fixture
def county(county_db: County) -> County:
    """Each test starts with no failed attempts counted and the clock at the wall clock."""
    with county_db.sd.transaction() as s:
        s.execute(delete(SignInThrottle))
    county_db.clock.now = datetime.now(UTC)
    return county_db


def _reset(county: County, username: str, password: str) -> None:
    accounts.reset_password(county.sd, "test", username=username, password=password)


# -- passwords --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("weak", "why"),
    [
        ("short1", "at least 8 characters"),
        ("12345678", "common password"),
        ("password", "common password"),
        ("aaaaaaaaaaaa", "repeated characters"),
    ],
)
def test_a_weak_password_is_refused_when_a_user_is_added_or_reset(
    county: County, weak: str, why: str
) -> None:
    """The laptop's passphrase rule (core.passphrase), for every way a password is set."""
    with pytest.raises(UserError) as e:
        accounts.add_user(
            county.sd,
            "test",
            username="weakling",
            role="county_staff",
            display_name=None,
            password=weak,
        )
    assert e.value.code == "weak_password" and why in e.value.text.en
    with pytest.raises(UserError) as e:
        accounts.reset_password(county.sd, "test", username="staff", password=weak)
    assert e.value.code == "weak_password"
    assert county.token("staff", STAFF_PASSWORD)  # nothing changed


def test_a_password_may_not_be_the_user_name(county: County) -> None:
    with pytest.raises(UserError) as e:
        accounts.add_user(
            county.sd,
            "test",
            username="samename",
            role="county_staff",
            display_name=None,
            password="SameName",
        )
    assert e.value.text.en == "the password is too weak: the password must not be the user name"


def test_the_api_refuses_a_weak_password_with_a_sentence(county: County) -> None:
    token = county.token()
    r = county.call(
        "POST",
        "/admin/users",
        token,
        json={"username": "newcomer", "role": "county_staff", "password": "12345678"},
    )
    assert r.status_code == 400 and r.json()["error"] == "weak_password"
    assert r.json()["message"] == {
        "zh": "密码太弱：这是常见密码，很容易被猜到",
        "en": "the password is too weak: this is a common password and easy to guess",
    }
    r = county.call("PUT", "/admin/users/staff/password", token, json={"password": "88888888"})
    assert r.status_code == 400 and r.json()["error"] == "weak_password"


# -- guessing ---------------------------------------------------------------------------------
def test_failed_sign_ins_slow_down_then_lock_the_account(county: County) -> None:
    """Each guess from a new address: only the account's own count stops it."""
    addresses = iter(f"203.0.113.{i}" for i in range(1, 250))
    for _ in range(4):
        assert county.login("staff", "guess-guess-1", next(addresses)).status_code == 401
    assert (
        county.login("staff", "guess-guess-1", next(addresses)).status_code == 401
    )  # the 5th: from now on, waits
    r = county.login(
        "staff", STAFF_PASSWORD, next(addresses)
    )  # even the right password is not even checked
    assert r.status_code == 429, r.text
    assert (
        r.json()["error"] == "too_many_attempts"
        and r.json()["retry_after"] == 2
        and r.headers["Retry-After"] == "2"
    )
    assert r.json()["message"] == {
        "zh": "登录失败次数过多，请2秒后再试",
        "en": "too many failed sign-ins; try again in 2 seconds",
    }
    waits = []
    for _ in range(5):  # failures 6 … 10, each after the wait the previous one imposed
        county.clock.advance(seconds=r.json()["retry_after"])
        assert county.login("staff", "guess-guess-1", next(addresses)).status_code == 401
        r = county.login("staff", "guess-guess-1", next(addresses))
        assert r.status_code == 429
        waits.append(r.json()["retry_after"])
    assert waits == [4, 8, 16, 32, 900]
    assert (
        r.json()["message"]["en"]
        == "too many failed sign-ins: this account is locked for now; try again in 15 minutes"
    )
    assert "已暂时锁定" in r.json()["message"]["zh"] and "15分钟" in r.json()["message"]["zh"]
    county.clock.advance(minutes=14)
    assert county.login("staff", STAFF_PASSWORD, next(addresses)).status_code == 429
    county.clock.advance(minutes=1)
    assert (
        county.login("staff", STAFF_PASSWORD, next(addresses)).status_code == 200
    )  # the lock ran out
    assert (
        county.login("staff", "guess-guess-1", next(addresses)).status_code == 401
    )  # and success cleared the count
    assert county.login("staff", STAFF_PASSWORD, next(addresses)).status_code == 200
    assert (
        county.login("office", OFFICE_PASSWORD, next(addresses)).status_code == 200
    )  # other accounts never waited


def test_an_unknown_name_is_slowed_and_locked_like_a_known_one(county: County) -> None:
    """A guesser cannot tell real accounts by which names start to wait."""
    answers = []
    for n, name in enumerate(("staff", "no_such_clerk")):
        for i in range(5):
            assert county.login(name, "guess-guess-2", f"203.0.114.{n * 10 + i}").status_code == 401
        r = county.login(name, "guess-guess-2", f"203.0.114.{n * 10 + 9}")
        answers.append((r.status_code, r.json(), r.headers["Retry-After"]))
    assert answers[0] == answers[1] and answers[0][0] == 429


def test_failed_sign_ins_from_one_address_lock_that_address_for_every_account(
    county: County,
) -> None:
    spray = "192.0.2.99"
    for i in range(20):  # password spraying: one guess per name, so no account's own count grows
        assert county.login(f"user{i}", "Spring2025!", spray).status_code == 401
    r = county.login("office", OFFICE_PASSWORD, spray)
    assert r.status_code == 429 and r.json()["retry_after"] == 2
    assert (
        r.json()["message"]["en"]
        == "too many failed sign-ins from this address; try again in 2 seconds"
    )
    assert (
        county.login("office", OFFICE_PASSWORD, "192.0.2.100").status_code == 200
    )  # another address is not held up
    county.clock.advance(seconds=2)
    assert (
        county.login("office", OFFICE_PASSWORD, spray).status_code == 200
    )  # a success is not counted against it
    assert county.login("nobody", "Spring2025!", spray).status_code == 401
    assert (
        county.login("office", OFFICE_PASSWORD, spray).status_code == 429
    )  # but it does not wipe the address's count


def test_parallel_guesses_cannot_slip_past_the_count(county: County) -> None:
    """An attempt is counted before the (slow) password check: 20 guesses at once get 5 checks."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(4) as pool:
        codes = list(
            pool.map(
                lambda i: county.login("office", f"guess-{i:04d}", f"198.18.0.{i}").status_code,
                range(20),
            )
        )
    assert codes.count(401) == 5 and codes.count(429) == 15, codes


def test_an_ipv6_caller_is_counted_by_its_64_block(county: County) -> None:
    for i in range(20):
        assert (
            county.login(f"v6user{i}", "Spring2025!", f"2001:db8:1:2::{i + 1:x}").status_code == 401
        )
    assert (
        county.login("office", OFFICE_PASSWORD, "2001:db8:1:2:ffff::9").status_code == 429
    )  # same /64, another address
    assert county.login("office", OFFICE_PASSWORD, "2001:db8:1:3::1").status_code == 200


def test_unknown_names_accounts_without_password_and_disabled_accounts_cost_one_real_hash(
    county: County, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same code path for every failure: one Argon2id verification with the real parameters, the same answer."""
    accounts.add_user(
        county.sd,
        "test",
        username="laptop_only",
        role="secretary",
        display_name=None,
        password=None,
    )
    accounts.add_user(
        county.sd,
        "test",
        username="gone",
        role="county_staff",
        display_name=None,
        password="gone-pass-123",
    )
    accounts.set_disabled(county.sd, "test", username="gone", disabled=True)
    checked: list[str] = []
    real = auth.password_ok

    def spy(password: str, phc: str | None) -> bool:
        checked.append(str(phc))
        return real(password, phc)

    monkeypatch.setattr(auth, "password_ok", spy)
    answers = {}
    for i, (name, password) in enumerate(
        (
            ("staff", "wrong-pass-123"),
            ("no_such_user", "wrong-pass-123"),
            ("laptop_only", "wrong-pass-123"),
            ("gone", "gone-pass-123"),
        )
    ):
        started = len(checked)
        r = county.login(name, password, f"198.51.100.{50 + i}")
        assert len(checked) == started + 1, name  # exactly one verification each
        answers[name] = (r.status_code, r.json())
    assert len({json.dumps(a, sort_keys=True) for a in answers.values()}) == 1, (
        answers
    )  # indistinguishable answers
    assert answers["staff"] == (
        401,
        {
            "error": "bad_login",
            "message": {"zh": "用户名或密码不对", "en": "wrong username or password"},
        },
    )
    parameters = {phc.split("$")[3] for phc in checked}
    assert parameters == {f"m={auth.ARGON2['memory_cost']},t={auth.ARGON2['iterations']},p=1"}, (
        parameters
    )  # as costly as a real one
    assert checked[1] == checked[2] == auth.dummy_hash() and checked[0] != checked[1]


def test_the_production_parameters_are_the_dummy_hashs_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(auth, "ARGON2", dict(auth.PRODUCTION_ARGON2))
    real = auth.hash_password("a-real-pass-1")
    assert real.split("$")[3] == auth.dummy_hash().split("$")[3] == "m=65536,t=3,p=1"


def test_every_failure_is_audited_with_address_and_reason_but_never_the_password(
    county: County,
) -> None:
    before = len(county.audit("sign_in_failed"))
    secret_guess = "My-Secret-Guess-77"
    typed_into_name = "Tr0ub4dor&3-typed-as-name"
    assert county.login("staff", secret_guess, "198.51.100.201").status_code == 401
    assert county.login(typed_into_name, secret_guess, "198.51.100.202").status_code == 401
    entries = county.audit("sign_in_failed")[before:]
    assert [(e.actor, e.subject) for e in entries][0] == ("address:198.51.100.201", "staff")
    known, unknown = (json.loads(e.details) for e in entries)
    assert known == {"address": "198.51.100.201", "reason": "wrong_password", "failures": 1}
    assert unknown["reason"] == "unknown_user" and entries[1].subject.startswith("unknown:")
    assert county.login("staff", STAFF_PASSWORD).status_code == 200
    signed_in = county.audit("signed_in")[-1]
    assert (
        signed_in.subject == "staff" and json.loads(signed_in.details)["address"] == "198.51.100.7"
    )
    with county.sd.transaction() as s:
        everything = " ".join(
            f"{e.actor} {e.subject} {e.details}" for e in s.execute(select(AuditEntry)).scalars()
        )
        keys = " ".join(s.execute(select(SignInThrottle.key)).scalars())
    for text in (secret_guess, typed_into_name, STAFF_PASSWORD):
        assert text not in everything and text not in keys
    # A lock is audited once, and the refusals while it lasts are counted into the next entry.
    for i in range(5):
        county.login("office", f"wrong-{i}-wrong", f"198.51.100.{210 + i}")
    for _ in range(3):
        assert county.login("office", "wrong-x-wrong", "198.51.100.220").status_code == 429
    throttled = county.audit("sign_in_throttled")[-1]
    assert throttled.subject == "office" and json.loads(throttled.details)["by"] == "user"
    county.clock.advance(seconds=2)
    county.login("office", "wrong-y-wrong", "198.51.100.221")
    assert json.loads(county.audit("sign_in_failed")[-1].details)["refused_while_waiting"] == 3


# -- enrollment codes -------------------------------------------------------------------------
def _enroll(county: County, code: str, address: str) -> Any:
    signing, encryption = KeyPair.generate().public_b64()
    return county.client(address).post(
        "/api/v1/enroll",
        json={
            "code": code,
            "signing_key": signing,
            "encryption_key": encryption,
            "label": "test laptop",
        },
    )


def test_wrong_enrollment_codes_are_throttled_per_address(county: County) -> None:
    accounts.add_user(
        county.sd, "test", username="sec_enroll", role="secretary", display_name=None, password=None
    )
    code, _ = enrollment.new_enroll_code(county.sd, "test", username="sec_enroll")
    for i in range(5):
        assert (
            _enroll(county, f"AAAA-BBBB-CCCC-{i:04d}", "203.0.113.77").json()["error"]
            == "bad_enroll_code"
        )
    r = _enroll(
        county, code, "203.0.113.77"
    )  # the right code, while the address waits: not even looked at
    assert (
        r.status_code == 429
        and r.json()["message"]["en"] == "too many wrong enrollment codes; try again in 2 seconds"
    )
    assert (
        _enroll(county, code, "203.0.113.78").status_code == 200
    )  # another address is not held up
    failed = county.audit("enroll_failed")[-5:]
    assert {json.loads(e.details)["reason"] for e in failed} == {"unknown_code"}
    assert all("AAAA" not in e.details for e in failed)


def test_a_laptop_shows_the_wait_instead_of_retrying_into_it(county: County) -> None:
    """The device transport retries network faults, not the county's own 429: that would only extend the wait."""
    from fieldsurvey.sync.transport import RetryPolicy, ServerError, Transport

    slept: list[float] = []
    t = Transport(
        "http://testserver",
        policy=RetryPolicy(attempts=4, sleep=slept.append),
        client=county.client("203.0.113.95"),
    )
    errors = []
    for i in range(6):
        with pytest.raises(ServerError) as e:
            t.enroll(f"WXYZ-WXYZ-WXYZ-{i:04d}", KeyPair.generate(), "laptop")
        errors.append(e.value.code)
    assert errors == ["bad_enroll_code"] * 5 + ["too_many_attempts"] and slept == []
    assert e.value.text.zh == "注册码错误次数过多，请2秒后再试"


def test_an_enrollment_code_expires_and_is_used_once(county: County) -> None:
    accounts.add_user(
        county.sd, "test", username="sec_expiry", role="secretary", display_name=None, password=None
    )
    code, expires = enrollment.new_enroll_code(
        county.sd, "test", username="sec_expiry", ttl_minutes=10
    )
    county.clock.now = expires + timedelta(seconds=1)
    r = _enroll(county, code, "203.0.113.80")
    assert r.status_code == 400 and r.json()["error"] == "bad_enroll_code"
    assert json.loads(county.audit("enroll_failed")[-1].details)["reason"] == "expired"
    county.clock.now = expires - timedelta(minutes=1)
    assert _enroll(county, code, "203.0.113.80").status_code == 200
    r = _enroll(county, code, "203.0.113.81")
    assert (
        r.status_code == 400
        and json.loads(county.audit("enroll_failed")[-1].details)["reason"] == "used"
    )


# -- administration ---------------------------------------------------------------------------
def _signed(county: County, identity: Identity, path: str) -> Any:
    headers = sign_request(
        identity.keys.signing, identity.device_id, "GET", "/api/v1" + path, int(time.time()), b""
    )
    return county.client().get("/api/v1" + path, headers=headers)


def test_disabling_a_user_stops_their_sessions_devices_and_codes_at_once(county: County) -> None:
    device = enroll_secretary(county.sd, "sec_off", [VILLAGE_A])
    _reset(county, "sec_off", "sec-off-pass-1")
    pending_code, _ = enrollment.new_enroll_code(county.sd, "test", username="sec_off")
    token = county.token("sec_off", "sec-off-pass-1")
    assert county.call("GET", "/auth/me", token).status_code == 200
    assert _signed(county, device, "/feed").status_code == 200
    admin_token = county.token()

    r = county.call("POST", "/admin/users/sec_off/disable", admin_token)
    assert (
        r.status_code == 200
        and r.json()["sessions_ended"] == 1
        and r.json()["codes_withdrawn"] == 1
    )
    assert (
        county.call("GET", "/auth/me", token).status_code == 401
    )  # the bearer token, at the next request
    r = _signed(county, device, "/feed")  # the device's signed requests
    assert r.status_code == 403 and r.json()["error"] == "account_disabled"
    assert (
        county.login("sec_off", "sec-off-pass-1").json()["error"] == "bad_login"
    )  # no new session
    assert (
        _enroll(county, pending_code, "203.0.113.90").json()["error"] == "bad_enroll_code"
    )  # its code was withdrawn
    assert (
        county.call(
            "POST", "/admin/enroll-codes", admin_token, json={"username": "sec_off"}
        ).json()["error"]
        == "account_disabled"
    )
    payload = batch_payload(device, [], base_cursor=None)  # a batch carried on a USB stick
    with pytest.raises(UserError) as e:
        ingest(county.sd, seal_batch(device, payload), via="file")
    assert e.value.code == "account_disabled"
    assert [json.loads(a.details) for a in county.audit("user_disabled")][-1] == {
        "sessions_ended": 1,
        "codes_withdrawn": 1,
        "devices": 1,
    }

    assert county.call("POST", "/admin/users/sec_off/enable", admin_token).status_code == 200
    assert (
        _signed(county, device, "/feed").status_code == 200
    )  # enabled again: the device works again
    assert (
        county.call("GET", "/auth/me", county.token("sec_off", "sec-off-pass-1")).status_code == 200
    )


def test_the_last_admin_cannot_be_disabled(county: County) -> None:
    r = county.call("POST", "/admin/users/admin/disable", county.token())
    assert r.status_code == 400 and r.json()["error"] == "last_admin"
    assert county.token()


def test_a_password_reset_ends_sessions_and_lifts_the_lock(county: County) -> None:
    accounts.add_user(
        county.sd,
        "test",
        username="forgetful",
        role="county_staff",
        display_name=None,
        password="old-pass-1234",
    )
    first, second = (
        county.token("forgetful", "old-pass-1234"),
        county.token("forgetful", "old-pass-1234", "198.51.100.8"),
    )
    for i in range(10):
        county.login("forgetful", "not-it-at-all", f"198.51.100.{100 + i}")
        county.clock.advance(seconds=40)
    assert county.login("forgetful", "old-pass-1234").status_code == 429
    r = county.call(
        "PUT", "/admin/users/forgetful/password", county.token(), json={"password": "new-pass-5678"}
    )
    assert r.status_code == 200 and r.json()["sessions_ended"] == 2
    for token in (first, second):
        assert county.call("GET", "/auth/me", token).status_code == 401
    assert county.login("forgetful", "old-pass-1234").status_code == 401
    assert county.login("forgetful", "new-pass-5678").status_code == 200


def test_an_admin_unlocks_an_account_locked_by_someone_guessing(county: County) -> None:
    for i in range(10):
        county.login("office", "attacker-guess", f"198.51.100.{120 + i}")
        county.clock.advance(seconds=40)
    admin_token = county.token()
    [row] = [
        u
        for u in county.call("GET", "/admin/users", admin_token).json()
        if u["username"] == "office"
    ]
    assert row["locked_until"]
    assert county.login("office", OFFICE_PASSWORD).status_code == 429
    assert (
        county.call("POST", "/admin/users/office/unlock", admin_token).json()["was_locked"] is True
    )
    assert county.login("office", OFFICE_PASSWORD).status_code == 200


def test_sessions_are_listed_and_ended_one_by_one_or_per_user(county: County) -> None:
    admin_token = county.token()
    desk, home = (
        county.token("office", OFFICE_PASSWORD, "10.1.2.3"),
        county.token("office", OFFICE_PASSWORD, "10.9.9.9"),
    )
    county.clock.advance(minutes=5)
    assert county.call("GET", "/auth/me", desk).status_code == 200  # marks its last use
    listed = county.call("GET", "/admin/sessions", admin_token).json()
    mine = [x for x in listed if x["user"] == "office"]
    by_address = {x["address"]: x for x in mine}
    assert set(by_address) >= {"10.1.2.3", "10.9.9.9"}
    assert by_address["10.1.2.3"]["last_seen_at"] > by_address["10.9.9.9"]["last_seen_at"]
    assert [x["current"] for x in listed if x["user"] == "admin"].count(True) == 1
    assert all(len(x["session_id"]) == 16 for x in listed)

    r = county.call(
        "DELETE", f"/admin/sessions/{by_address['10.9.9.9']['session_id']}", admin_token
    )
    assert r.status_code == 200 and r.json()["ended"] == 1
    assert county.call("GET", "/auth/me", home).status_code == 401
    assert county.call("GET", "/auth/me", desk).status_code == 200  # only that one
    assert (
        county.call(
            "DELETE", f"/admin/sessions/{by_address['10.9.9.9']['session_id']}", admin_token
        ).status_code
        == 400
    )
    assert county.call("DELETE", "/admin/users/office/sessions", admin_token).json()["ended"] >= 1
    assert county.call("GET", "/auth/me", desk).status_code == 401
    assert [e.subject for e in county.audit("sessions_ended")][-2:] == [
        by_address["10.9.9.9"]["session_id"],
        "office",
    ]


def test_a_session_expires_after_twelve_hours(county: County) -> None:
    token = county.token("office", OFFICE_PASSWORD)
    county.clock.advance(hours=12, seconds=1)
    r = county.call("GET", "/auth/me", token)
    assert r.status_code == 401 and r.json()["error"] == "session_expired"
    with county.sd.transaction() as s:
        assert s.get(SessionToken, auth.token_hash(token)) is not None
    county.token("office", OFFICE_PASSWORD)  # the next sign-in sweeps expired sessions away
    with county.sd.transaction() as s:
        assert s.get(SessionToken, auth.token_hash(token)) is None


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/admin/users/office/disable"),
        ("POST", "/admin/users/office/enable"),
        ("POST", "/admin/users/office/unlock"),
        ("PUT", "/admin/users/office/password"),
        ("GET", "/admin/sessions"),
        ("DELETE", "/admin/sessions/0123456789abcdef"),
        ("DELETE", "/admin/users/office/sessions"),
    ],
)
def test_only_an_admin_may_disable_reset_or_end_sessions(
    county: County, method: str, path: str
) -> None:
    token = county.token("staff", STAFF_PASSWORD)
    r = county.call(
        method, path, token, json={"password": "another-pass-1"} if method == "PUT" else None
    )
    assert r.status_code == 403 and r.json()["error"] == "forbidden"


# -- the command line -------------------------------------------------------------------------
def test_the_command_line_lists_and_ends_sessions_disables_resets_and_unlocks(
    county: County, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from fieldsurvey.cli import main

    d = ["--data-dir", str(county.sd.path)]
    accounts.add_user(
        county.sd,
        "test",
        username="clerk",
        role="county_staff",
        display_name=None,
        password="clerk-pass-123",
    )
    desk, laptop = (
        county.token("clerk", "clerk-pass-123", "10.3.3.3"),
        county.token("clerk", "clerk-pass-123", "10.4.4.4"),
    )

    assert main(["server", "session", "list", *d, "--username", "clerk", "--format", "json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert {x["address"] for x in listed} == {"10.3.3.3", "10.4.4.4"} and {
        x["user"] for x in listed
    } == {"clerk"}
    assert main(["server", "session", "list", *d]) == 0
    assert "10.4.4.4" in capsys.readouterr().out
    [on_laptop] = [x["session_id"] for x in listed if x["address"] == "10.4.4.4"]
    assert main(["server", "session", "end", *d, on_laptop]) == 0
    assert "Sessions ended: 1" in capsys.readouterr().out
    assert county.call("GET", "/auth/me", laptop).status_code == 401
    assert county.call("GET", "/auth/me", desk).status_code == 200
    assert main(["server", "session", "end", *d, "not-a-session"]) == 2
    assert "16 hexadecimal digits" in capsys.readouterr().err

    assert main(["server", "user", "disable", *d, "--username", "clerk"]) == 0
    assert "sessions ended 1" in capsys.readouterr().out
    assert county.call("GET", "/auth/me", desk).status_code == 401
    assert main(["server", "user", "list", *d]) == 0
    assert next(
        line for line in capsys.readouterr().out.splitlines() if line.startswith("clerk")
    ).endswith("DISABLED")
    assert county.login("clerk", "clerk-pass-123").status_code == 401
    assert main(["server", "user", "enable", *d, "--username", "clerk"]) == 0
    assert county.login("clerk", "clerk-pass-123").status_code == 200

    monkeypatch.setenv("FIELDSURVEY_SERVER_PASSWORD", "12345678")
    assert main(["server", "user", "reset-password", *d, "--username", "clerk"]) == 2
    assert "the password is too weak" in capsys.readouterr().err
    monkeypatch.setenv("FIELDSURVEY_SERVER_PASSWORD", "clerk-new-pass-9")
    assert main(["server", "user", "reset-password", *d, "--username", "clerk"]) == 0
    assert "sessions ended 1" in capsys.readouterr().out
    assert county.login("clerk", "clerk-pass-123").status_code == 401
    assert county.login("clerk", "clerk-new-pass-9").status_code == 200

    for i in range(10):
        county.login("clerk", "someone-guessing", f"10.5.5.{i}")
        county.clock.advance(seconds=40)
    county.clock.now = datetime.now(
        UTC
    )  # the command line runs on the wall clock: the lock is still ahead of it
    assert county.login("clerk", "clerk-new-pass-9").status_code == 429
    assert main(["server", "user", "list", *d, "--format", "json"]) == 0
    assert next(u for u in json.loads(capsys.readouterr().out) if u["username"] == "clerk")[
        "locked_until"
    ]
    assert main(["server", "user", "unlock", *d, "--username", "clerk"]) == 0
    assert "Sign-in unlocked: clerk" in capsys.readouterr().out
    assert county.login("clerk", "clerk-new-pass-9").status_code == 200
    assert main(["server", "session", "end", *d, "--username", "clerk"]) == 0
    assert main(["server", "session", "list", *d, "--username", "clerk", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out.split("\n", 1)[1]) == []
