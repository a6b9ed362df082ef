"""The audit log cannot be shortened or replaced unnoticed (issue 13, section 5).

The county server runs in process (its FastAPI app behind Starlette's test client, its database
on SQLite or on PostgreSQL); laptops are real encrypted stores with the real sync client. The
attacker holds the county's database: they delete the newest audit entries and lower the
counter, or (holding the signing key too) replace the whole log with a fresh chain that
verifies. What catches them are the signed heads kept elsewhere: an auditor's checkpoint, and
the heads every laptop received with its batch acceptances. Only the command lines run as
processes (the last test).
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi.testclient import TestClient
from sqlalchemy import delete, select, update

from fieldsurvey.core.atomic import atomic_write
from fieldsurvey.core.errors import UserError
from fieldsurvey.server.app import create_app
from fieldsurvey.server.audit import chain as audit
from fieldsurvey.server.batches.ingest import ingest
from fieldsurvey.server.db.engine import ServerDir
from fieldsurvey.server.db.models import AuditEntry, Counter, Notice
from fieldsurvey.server.devices import enrollment
from fieldsurvey.server.feed.update_file import export_feed
from fieldsurvey.server.roster.json_import import import_roster
from fieldsurvey.server.users import accounts
from fieldsurvey.store import Store
from fieldsurvey.store.sync_state import SentBatch
from fieldsurvey.sync import audit_head, canonical, kept_heads, signing
from fieldsurvey.sync.audit_head import AuditHead
from fieldsurvey.sync.batch import Identity, batch_payload, seal_batch
from fieldsurvey.sync.client import SyncClient
from fieldsurvey.sync.keys import KeyPair, unb64, verify_signature
from fieldsurvey.sync.transport import RetryPolicy, Transport
from tests.support.common import FAST_KDF
from tests.support.server import (
    BACKENDS,
    COUNTY,
    VILLAGE_A,
    database,
    enroll_secretary,
    init_county,
    roster,
    run_cli,
)

PASSPHRASE = "山路弯弯-测试-2025"
URL = "http://localhost"


# -- an in-process county ------------------------------------------------------------------------
@dataclass
class County:
    sd: ServerDir
    roster: dict[str, Any]

    @property
    def county_key(self) -> Any:
        return self.sd.keys.signing_public

    def village_a(self) -> list[dict[str, Any]]:
        return [h for h in self.roster["households"] if h["division_code"] == VILLAGE_A]

    def verify(self, *checkpoints: AuditHead) -> audit.VerifyResult:
        with self.sd.transaction() as s:
            return audit.verify(s, self.county_key, list(checkpoints), COUNTY)

    def checkpoint(self) -> AuditHead:
        with self.sd.transaction() as s:
            return audit.signed_head(s, self.sd.keys.signing, COUNTY)

    def entries(self) -> int:
        with self.sd.transaction() as s:
            return int(s.execute(select(Counter.value).where(Counter.name == "audit")).scalar_one())

    def close(self) -> None:
        self.sd.close()

    def note(self, n: int = 1) -> None:
        """Ordinary county work that writes audit entries (an enrollment code each)."""
        for _ in range(n):
            enrollment.new_enroll_code(self.sd, "test", username="sec_a")


def make_county(tmp: Path, db_url: str | None) -> County:
    sd = init_county(tmp / "county", db_url)
    data = roster()
    import_roster(sd, "test", data)
    accounts.add_user(
        sd, "test", username="sec_a", role="secretary", display_name="甲村书记", password=None
    )
    accounts.assign(sd, "test", username="sec_a", villages=[VILLAGE_A])
    return County(sd, data)


def county_on(backend: str, tmp: Path) -> Iterator[County]:
    with database(backend) as url, closing(make_county(tmp, url)) as c:
        yield c


@pytest.fixture(scope="module", params=BACKENDS)
def county(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[County]:
    """One county for the tests that leave its log whole."""
    yield from county_on(request.param, tmp_path_factory.mktemp(f"county-{request.param}"))


@pytest.fixture(params=BACKENDS)
def victim(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[County]:
    """A county of its own for each attack: the attack destroys its log."""
    yield from county_on(request.param, tmp_path)


# -- what the attacker does with the database ------------------------------------------------------
def truncate(county: County, keep: int) -> None:
    """Delete every audit entry after ``keep`` and lower the counter: the chain still verifies."""
    with county.sd.transaction() as s:
        s.execute(delete(AuditEntry).where(AuditEntry.entry_no > keep))
        s.execute(update(Counter).where(Counter.name == "audit").values(value=keep))


def replace_log(county: County, entries: int) -> None:
    """Throw the log away and write a fresh, valid chain with the county's own key."""
    with county.sd.transaction() as s:
        s.execute(delete(AuditEntry))
        s.execute(update(Counter).where(Counter.name == "audit").values(value=0))
        for i in range(entries):
            audit.append(
                s,
                county.sd.keys.signing,
                actor="cli",
                action="server_init" if i == 0 else "user_added",
                subject=COUNTY if i == 0 else f"user{i}",
                details={},
            )


# -- devices -----------------------------------------------------------------------------------------
def visit_record(household_id: str) -> dict[str, Any]:
    return {
        "kind": "visit",
        "visit": {
            "visit_id": str(uuid.uuid4()),
            "household_id": household_id,
            "visit_date": "2025-05-06",
            "visitor": "甲村书记",
            "form_id": "household_visit",
            "form_version": "1",
            "answers": {"food_secure": True},
            "status": "finalized",
            "findings": "家中一切正常",
            "assessment": {"flags": []},
        },
    }


def send(
    county: County, identity: Identity, via: str = "http"
) -> tuple[str, bytes, dict[str, Any]]:
    """Seal one batch of a visit and ingest it; returns its id, bytes and the answer to the device."""
    payload = batch_payload(
        identity, [visit_record(county.village_a()[0]["household_id"])], base_cursor=None
    )
    data = seal_batch(identity, payload)
    return payload["header"]["batch_id"], data, ingest(county.sd, data, via=via).to_dict()


class InProcess(httpx.BaseTransport):
    """The county's app in this process; ``tamper`` may rewrite an upload's JSON answer on the way."""

    def __init__(self, app: Any, tamper: Callable[[dict[str, Any]], None] | None = None) -> None:
        self.inner = TestClient(app, base_url=URL)
        self.tamper = tamper

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.send(request)
        if (
            self.tamper is not None
            and request.url.path.endswith("/commit")
            and response.status_code == 200
        ):
            body = response.json()
            self.tamper(body)
            return httpx.Response(200, json=body)
        return httpx.Response(
            response.status_code, headers=response.headers, content=response.content
        )


class Laptop(SyncClient):
    """The real sync client and store, talking to the in-process county."""

    def __init__(self, store: Store, app: Any) -> None:
        super().__init__(store, policy=RetryPolicy(attempts=2, base=0.01))
        self.app = app
        self.tamper: Callable[[dict[str, Any]], None] | None = None

    def _transport(self, url: str, identity: Identity | None) -> Transport:
        http = httpx.Client(transport=InProcess(self.app, self.tamper), base_url=url)
        return Transport(url, identity=identity, policy=self.policy, client=http)

    def edit_and_sync(self, household_id: str, value: str) -> Any:
        h = self.store.households.get(household_id)
        assert h is not None
        h.address = value
        self.store.households.update(h)
        return self.sync()

    def kept(self) -> list[AuditHead]:
        return self.audit_heads()


def laptop(county: County, tmp: Path) -> Laptop:
    store, _recovery = Store.create(tmp, PASSPHRASE, kdf=FAST_KDF)
    client = Laptop(store, create_app(county.sd))
    code, _ = enrollment.new_enroll_code(county.sd, "test", username="sec_a")
    client.enroll(URL, code, label=tmp.name)
    client.sync()  # the village's households
    return client


# -- the acceptance carries the head ----------------------------------------------------------------
def test_each_acceptance_carries_the_signed_head_with_its_own_entry_last(county: County) -> None:
    identity = enroll_secretary(county.sd, "sec_x", [VILLAGE_A])
    batch_id, data, answer = send(county, identity)
    head = audit_head.parse(answer["audit_head"])
    audit_head.verify(head, identity.county_signing, COUNTY)
    assert head.batch_id == batch_id and head.county == COUNTY
    with county.sd.transaction() as s:
        last = s.execute(
            select(AuditEntry).order_by(AuditEntry.entry_no.desc()).limit(1)
        ).scalar_one()
        notice = s.execute(
            select(Notice).where(Notice.kind == "batch_accepted", Notice.ref == batch_id)
        ).scalar_one()
    assert (head.entry_no, head.entry_hash) == (last.entry_no, last.entry_hash)
    assert (last.action, last.subject) == ("batch_accepted", batch_id)
    assert notice.data["audit_head"] == answer["audit_head"]  # the USB path hears of it in the feed

    county.note(2)
    again = audit_head.parse(
        ingest(county.sd, data, via="http").to_dict()["audit_head"]
    )  # "already received"
    audit_head.verify(again, identity.county_signing, COUNTY)
    assert again.batch_id == batch_id and again.entry_no == head.entry_no + 2  # the log's head now
    assert county.verify(head, again).ok


def test_the_head_signature_is_versioned_canonical_json_under_its_own_domain(
    county: County,
) -> None:
    head = county.checkpoint()
    doc = head.to_dict()
    assert set(doc) == {
        "format",
        "version",
        "county",
        "entry_no",
        "entry_hash",
        "signed_at",
        "batch_id",
        "signature",
    }
    assert (doc["format"], doc["version"], doc["batch_id"]) == ("fieldsurvey-audit-head", 1, None)
    body = {k: v for k, v in doc.items() if k != "signature"}
    signature = unb64(doc["signature"], length=64)
    assert verify_signature(
        county.county_key, signature, b"fieldsurvey/audit-head/v1\n" + canonical.dumps(body)
    )
    assert not verify_signature(
        county.county_key, signature, canonical.dumps(body)
    )  # the prefix is signed
    # The same key signs batches and feeds (FSE1 envelopes), entries (32 raw bytes) and a device
    # signs requests ("METHOD\n…"): none of those messages can be a head's.
    assert not audit_head.signed_message(body).startswith((b"FSE1", b"GET\n", b"POST\n", b"PUT\n"))
    assert len(audit_head.signed_message(body)) != 32
    assert not signing.signing_base("POST", "/x", "1", b"").startswith(audit_head.DOMAIN)

    for change, code in (
        ({"version": 2}, "unsupported_audit_head"),  # refused before its signature is checked
        ({"entry_no": head.entry_no - 1}, "audit_head_forged"),
        ({"county": "610729"}, "audit_head_forged"),
        ({"batch_id": "b"}, "audit_head_forged"),
    ):
        with pytest.raises(UserError) as e:
            audit_head.verify(audit_head.parse({**doc, **change}), county.county_key, COUNTY)
        assert e.value.code == code, change
    with pytest.raises(UserError, match="expected fields"):
        audit_head.parse({**doc, "extra": 1})
    with pytest.raises(UserError, match="time zone"):
        audit_head.parse({**doc, "signed_at": "2025-05-06T08:00:00"})


# -- truncation -------------------------------------------------------------------------------------
def test_truncating_the_newest_entries_is_caught_by_an_auditors_checkpoint(victim: County) -> None:
    county = victim
    county.note(3)
    checkpoint = county.checkpoint()
    county.note(4)
    total = county.entries()
    truncate(county, checkpoint.entry_no - 2)  # remove the last 6 and lower the counter
    alone = county.verify()
    assert alone.ok  # the chain alone cannot show its end: the gap this closes
    result = county.verify(checkpoint)
    assert not result.ok
    assert result.problems == [
        f"the log ends at entry {checkpoint.entry_no - 2}, but the head signed {checkpoint.signed_at} "
        f"shows entry {checkpoint.entry_no}: entries were removed"
    ]
    assert total == checkpoint.entry_no + 4


def test_truncation_is_caught_by_the_head_a_laptop_kept(victim: County, tmp_path: Path) -> None:
    county = victim
    client = laptop(county, tmp_path / "laptop")
    with client.store:
        hid = county.village_a()[0]["household_id"]
        report = client.edit_and_sync(hid, "一组12号")
        assert report.sent_batches[0]["status"] == "merged" and report.all_warnings() == []
        [head] = client.kept()
        assert (
            head.batch_id == report.sent_batches[0]["batch_id"]
            and head.entry_no == county.entries()
        )
        county.note(2)
        assert county.verify(*client.kept()).ok

        truncate(county, head.entry_no - 1)  # the laptop's acceptance is gone from the log
        assert county.verify().ok
        result = county.verify(*client.kept())
        assert not result.ok and "entries were removed" in result.problems[0]

        # The laptop notices by itself at its next sync: the county's new acceptance entry takes
        # the number the laptop already holds, with another hash.
        report = client.edit_and_sync(hid, "一组13号")
        assert report.sent_batches[0]["status"] == "merged"
        [warning] = report.all_warnings()
        assert f"differs at entry {head.entry_no}" in warning.en and "审计" in warning.zh
        assert any(f"differs at entry {head.entry_no}" in line.en for line in report.lines())
        assert sorted((h.entry_no, h.entry_hash == head.entry_hash) for h in client.kept()) == [
            (head.entry_no, False),
            (head.entry_no, True),
        ]
        result = county.verify(*client.kept())
        assert (
            f"entry {head.entry_no} differs from the head signed {head.signed_at}: the log was rewritten"
            in result.problems
        )


def test_a_fresh_valid_chain_replacing_the_log_is_caught(victim: County, tmp_path: Path) -> None:
    county = victim
    client = laptop(county, tmp_path / "laptop")
    with client.store:
        client.edit_and_sync(county.village_a()[1]["household_id"], "二组3号")
        county.note(2)
        checkpoint = county.checkpoint()
        n = county.entries()
        replace_log(county, n + 5)  # longer than before, every entry signed with the county key
        assert county.verify().ok
        result = county.verify(checkpoint)
        assert result.problems == [
            f"entry {checkpoint.entry_no} differs from the head signed {checkpoint.signed_at}: the log was rewritten"
        ]
        [laptop_head] = client.kept()
        assert not county.verify(laptop_head).ok


def test_without_the_key_new_or_rewritten_entries_do_not_verify(victim: County) -> None:
    county = victim
    n = county.entries()
    mallory = Ed25519PrivateKey.generate()  # a database, but not the county's key
    with county.sd.transaction() as s:
        audit.append(s, mallory, actor="cli", action="user_added", subject="ghost", details={})
    assert county.verify().problems == [f"entry {n + 1}: signature does not verify"]
    with county.sd.transaction() as s:
        s.execute(delete(AuditEntry))
        s.execute(update(Counter).where(Counter.name == "audit").values(value=0))
        for i in range(3):
            audit.append(
                s, mallory, actor="cli", action="user_added", subject=f"user{i}", details={}
            )
    assert county.verify().problems == [f"entry {i}: signature does not verify" for i in (1, 2, 3)]


def test_a_correct_log_passes_verify_with_every_head(county: County, tmp_path: Path) -> None:
    client = laptop(county, tmp_path / "laptop")
    with client.store:
        checkpoints = [county.checkpoint()]
        for i in range(3):
            client.edit_and_sync(county.village_a()[2]["household_id"], f"三组{i}号")
            county.note()
            checkpoints.append(county.checkpoint())
        identity = enroll_secretary(county.sd, "sec_usb", [VILLAGE_A])
        _id, _data, answer = send(county, identity, via="file")
        heads = [*checkpoints, *client.kept(), audit_head.parse(answer["audit_head"])]
        assert len(client.kept()) == 3
        result = county.verify(*heads)
        assert result.ok and result.checkpoints == 8 and result.entries == county.entries()

        other = audit_head.sign(
            Ed25519PrivateKey.generate(),
            county=COUNTY,
            entry_no=checkpoints[-1].entry_no,
            entry_hash=checkpoints[-1].entry_hash,
        )
        result = county.verify(*heads, other)
        assert result.problems == [
            f"head {other.describe()}: the audit head's signature does not verify: "
            "it was not signed with this county's key, or it was altered"
        ]


# -- the device refuses forged heads -------------------------------------------------------------------
def test_a_forged_head_in_an_upload_answer_is_refused_and_the_batch_sent_again(
    county: County, tmp_path: Path
) -> None:
    client = laptop(county, tmp_path / "laptop")
    mallory = Ed25519PrivateKey.generate()

    def forge(body: dict[str, Any]) -> None:  # a man in the middle answers with a shorter log
        real = audit_head.parse(body["audit_head"])
        body["audit_head"] = audit_head.sign(
            mallory, county=COUNTY, entry_no=1, entry_hash=real.entry_hash, batch_id=real.batch_id
        ).to_dict()

    with client.store:
        hid = county.village_a()[0]["household_id"]
        client.tamper = forge
        with pytest.raises(UserError) as e:
            client.edit_and_sync(hid, "伪造的回执")
        assert (
            e.value.code == "audit_head_forged" and "signature does not verify" in e.value.text.en
        )
        assert client.kept() == []
        with client.store.session() as s:
            assert [b.status for b in s.execute(select(SentBatch)).scalars()] == ["pending"]
        assert client.store.outbox.count()["edits"] == 1

        def replay(body: dict[str, Any]) -> None:  # an old genuine receipt for another batch
            body["audit_head"] = first_receipt

        client.tamper = None
        report = (
            client.sync()
        )  # sent again: the county has it already and answers with a fresh head
        assert [b["already_received"] for b in report.sent_batches] == [True]
        [head] = client.kept()
        first_receipt = head.to_dict()
        assert client.store.outbox.count()["edits"] == 0

        client.tamper = replay
        with pytest.raises(UserError) as e:
            client.edit_and_sync(hid, "重放的回执")
        assert e.value.code == "audit_head_other_batch"
        assert len(client.kept()) == 1


def usb_batch(
    county: County, client: Laptop, tmp: Path, household_id: str, value: str
) -> tuple[str, dict[str, Any]]:
    """An edit carried to the county office on a stick and imported there; its id and the answer."""
    h = client.store.households.get(household_id)
    assert h is not None
    h.address = value
    client.store.households.update(h)
    batch_file = tmp / "to-county.fsb"
    info = client.export_batch(batch_file)
    return info["batch_id"], ingest(county.sd, batch_file.read_bytes(), via="file").to_dict()


def usb_updates(county: County, client: Laptop, tmp: Path) -> Any:
    """The county office's update file for this laptop, imported on it."""
    data, _count = export_feed(county.sd, client.enrollment().device_id)  # type: ignore[union-attr]
    updates = tmp / "from-county.fsu"
    atomic_write(updates, data)
    return client.import_updates(updates)


def test_a_head_from_the_feed_is_kept_for_a_usb_batch(county: County, tmp_path: Path) -> None:
    client = laptop(county, tmp_path / "laptop")
    with client.store:
        batch_id, answer = usb_batch(
            county, client, tmp_path, county.village_a()[2]["household_id"], "U盘"
        )
        applied = usb_updates(county, client, tmp_path)
        assert applied.warnings == []
        assert [h.to_dict() for h in client.kept()] == [answer["audit_head"]]
        assert client.kept()[0].batch_id == batch_id


def test_a_forged_head_in_the_feed_is_dropped_with_a_warning(
    county: County, tmp_path: Path
) -> None:
    client = laptop(county, tmp_path / "laptop")
    with client.store:
        batch_id, _answer = usb_batch(
            county, client, tmp_path, county.village_a()[1]["household_id"], "U盘带去的地址"
        )
        with (
            county.sd.transaction() as s
        ):  # the attacker edits the stored notice: a head showing a shorter log
            notice = s.execute(select(Notice).where(Notice.ref == batch_id)).scalar_one()
            notice.data = {
                **notice.data,
                "audit_head": {**notice.data["audit_head"], "entry_no": 2},
            }
        applied = usb_updates(
            county, client, tmp_path
        )  # the update file itself is genuinely signed
        [warning] = applied.warnings
        assert (
            "refused" in warning.en
            and "signature does not verify" in warning.en
            and "审计" in warning.zh
        )
        assert client.kept() == []
        with client.store.session() as s:  # the acceptance itself still confirms the batch
            assert s.get(SentBatch, batch_id).status == "accepted"  # type: ignore[union-attr]


# -- the laptop's own comparisons -----------------------------------------------------------------------
def test_the_laptop_sees_a_log_that_shrank_or_forked_and_keeps_a_bounded_number(
    county: County, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = county.sd.keys.signing
    t0 = datetime(2025, 5, 6, 8, 0, tzinfo=UTC)

    def head(n: int, minutes: int, h: str = "a") -> AuditHead:
        return audit_head.sign(
            key,
            county=COUNTY,
            entry_no=n,
            entry_hash=h * 64,
            signed_at=(t0 + timedelta(minutes=minutes)).isoformat(),
        )

    assert kept_heads.contradictions(head(100, 60), [head(90, 0), head(100, 60)]) == []
    assert (
        kept_heads.contradictions(head(95, 65), [head(100, 60)]) == []
    )  # within the county clock's slack
    [shrank] = kept_heads.contradictions(head(95, 120), [head(100, 60)])
    assert "got shorter" in shrank.en and "entry 95" in shrank.en
    [shrank] = kept_heads.contradictions(
        head(100, 60), [head(95, 120)]
    )  # arriving in the other order
    assert "got shorter" in shrank.en
    [fork] = kept_heads.contradictions(head(100, 61, "b"), [head(100, 60)])
    assert "differs at entry 100" in fork.en

    assert kept_heads.MAX_KEPT == 300
    monkeypatch.setattr(kept_heads, "MAX_KEPT", 20)  # the same rule, with fewer heads to sign
    client = laptop(county, tmp_path / "laptop")
    with client.store:
        with client.store.sync_state.transaction() as w:
            for n in range(1, 31):
                kept_heads.keep(w, head(n, n), via="upload")
        rows = [r.entry_no for r in client.store.sync_state.kept_heads()]
        assert rows == list(range(11, 31))  # the newest kept


def test_a_checkpoint_file_is_bounded_and_checked(tmp_path: Path) -> None:
    for name, content in (
        ("big.json", b"[" * (audit_head.MAX_FILE + 10)),
        ("text.json", "不是JSON".encode()),
        ("other.json", json.dumps({"format": "fieldsurvey-roster"}).encode()),
    ):
        (tmp_path / name).write_bytes(content)
        with pytest.raises(UserError):
            audit_head.read_checkpoint(tmp_path / name)
    with pytest.raises(UserError, match="not a file"):
        audit_head.read_checkpoint(tmp_path)
    if os.path.exists("/dev/zero"):
        with pytest.raises(UserError, match="not a file"):
            audit_head.read_checkpoint(Path("/dev/zero"))
    key = KeyPair.generate().signing
    head = audit_head.sign(key, county=COUNTY, entry_no=7, entry_hash="c" * 64)
    (tmp_path / "bare.json").write_bytes(canonical.dumps(head.to_dict()))
    (tmp_path / "bundle.json").write_bytes(audit_head.checkpoint_bytes([head, head]))
    assert audit_head.read_checkpoint(tmp_path / "bare.json") == [head]
    assert audit_head.read_checkpoint(tmp_path / "bundle.json") == [head, head]


# -- the command lines ------------------------------------------------------------------------------
def test_the_command_lines_checkpoint_export_and_verify(tmp_path: Path) -> None:
    county = make_county(tmp_path, None)
    try:
        client = laptop(county, tmp_path / "laptop")
        with client.store:
            client.edit_and_sync(county.village_a()[0]["household_id"], "命令行")
            device_heads = len(client.kept())
        data_dir = str(county.sd.path)
        auditor = tmp_path / "auditor.json"
        out = run_cli(
            "server", "audit", "checkpoint", "--data-dir", data_dir, "--out", str(auditor)
        ).stdout
        assert "Audit checkpoint written" in out
        laptop_file = tmp_path / "laptop-heads.json"
        env = {"FIELDSURVEY_PASSPHRASE": PASSPHRASE}
        out = run_cli(
            "sync",
            "--data-dir",
            str(tmp_path / "laptop"),
            "audit-heads",
            "--out",
            str(laptop_file),
            env=env,
        ).stdout
        assert f"{device_heads} heads" in out
        ok = run_cli(
            "server",
            "audit",
            "verify",
            "--data-dir",
            data_dir,
            "--checkpoint",
            str(auditor),
            str(laptop_file),
        )
        assert (
            "Audit log intact" in ok.stdout
            and f"{device_heads + 1} signed heads agree" in ok.stdout
        )

        truncate(county, county.entries() - 1)
        county.sd.close()
        bad = run_cli(
            "server",
            "audit",
            "verify",
            "--data-dir",
            data_dir,
            "--checkpoint",
            str(laptop_file),
            check=False,
        )
        assert bad.returncode == 2
        assert (
            "entries were removed" in bad.stderr and "the audit log was tampered with" in bad.stderr
        )
    finally:
        county.sd.close()


def test_audit_verify_refuses_a_file_that_is_not_a_checkpoint_with_a_sentence(
    county: County, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from fieldsurvey.cli import main

    def verify(checkpoint: Path) -> int:
        data_dir = str(county.sd.path)
        return main(
            ["server", "audit", "verify", "--data-dir", data_dir, "--checkpoint", str(checkpoint)]
        )

    garbage = tmp_path / "garbage.json"
    garbage.write_text("{}", encoding="utf-8")
    assert verify(garbage) == 2
    assert "not an audit checkpoint file" in capsys.readouterr().err
    assert verify(tmp_path) == 2
    assert "is not a file" in capsys.readouterr().err
