"""County staff resolve a conflict and review a visit in the window; laptops hear of it on their next sync.

Two real device stores (SQLCipher) enroll with the real server process and sync; both change
the same household field, which makes a conflict. Staff resolve it in the conflicts tab by
picking the laptop's value with a note: the audit log has the resolution and the laptop that
raised it gets the value and a notice. A visit marked "has issues" reaches the village's laptop
with the comment.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from fieldsurvey.core.assessment import assess
from fieldsurvey.core.local_time import local_minute
from fieldsurvey.server.devices import enrollment
from fieldsurvey.store import Store
from fieldsurvey.sync.client import SyncClient
from fieldsurvey.sync.transport import RetryPolicy
from tests.support.common import FAST_KDF
from tests.support.county import (
    CountyServer,
    wait,
)
from tests.support.laptop import edit_household, finalized_visit

PASSPHRASE = "qing-shan-county-2025"


def laptop(county: CountyServer, folder: Path, username: str) -> tuple[Store, SyncClient]:
    store, _recovery = Store.create(folder, PASSPHRASE, kdf=FAST_KDF)
    client = SyncClient(store, policy=RetryPolicy(attempts=3, base=0.05))
    code, _ = enrollment.new_enroll_code(county.server.server_dir, "test", username=username)
    client.enroll(county.url, code, label=folder.name)
    client.sync()
    return store, client


def select_row(qtbot: Any, page: Any, key: str, value: str) -> Any:
    qtbot.waitUntil(lambda: any(getattr(r, key) == value for r in page.model.rows), timeout=20_000)
    row = next(i for i, r in enumerate(page.model.rows) if getattr(r, key) == value)
    page.view.selectRow(row)
    return page.model.rows[row]


def test_resolve_a_conflict_is_audited_and_reaches_the_laptop(
    staff_window: Any, county: CountyServer, qtbot: Any, tmp_path: Path
) -> None:
    hid = county.households["wang"].household_id
    s1, c1 = laptop(county, tmp_path / "one", "sec_a")
    s2, c2 = laptop(county, tmp_path / "two", "sec_a2")
    with s1, s2:
        for store, phone in ((s1, "13811112222"), (s2, "13833334444")):
            edit_household(store, hid, phone=phone)
        c1.sync()
        assert c2.sync().sent_batches[0]["status"] == "has_conflicts"

        window = staff_window.window
        window.tabs.setCurrentWidget(window.conflicts)
        window.refresh()
        conflict = select_row(qtbot, window.conflicts, "household_id", hid)
        panel = window.conflicts.resolution
        assert panel.conflict.conflict_id == conflict.conflict_id
        shown = [label.text() for label in panel.side_values]
        assert (
            shown[1] == "13833334444" and shown[2] == "13811112222"
        )  # laptop and county side by side
        # the county's value is named by where it came from: laptop "one" of 示范村书记, synced when
        source = conflict.server_source
        assert (source.device, source.username, source.display_name) == (
            "one",
            "sec_a",
            "示范村书记",
        )
        titles = [label.text() for label in panel.side_titles]
        assert titles[1] == f"笔记本“two”（示范村工作队），{local_minute(conflict.created_at)} 上传"
        assert (
            titles[2]
            == f"示范村书记（sec_a）的笔记本（设备“one”）于 {local_minute(source.at)} 同步的值"
        )
        panel.radios[1].setChecked(True)  # keep the laptop's number
        panel.note.setPlainText("已电话核实，以第二台电脑登记的号码为准。")
        with qtbot.waitSignal(panel.resolved, timeout=20_000):
            panel.resolve_button.click()
        wait(staff_window)
        assert "13833334444" in panel.outcome.text()

        audit = county.api(
            "GET", "/audit", params={"action": "conflict_resolved", "subject": conflict.conflict_id}
        ).json()
        [entry] = audit["items"]
        assert entry["actor"] == "user:staff" and entry["details"]["field"] == "phone"
        assert county.api("GET", f"/households/{hid}").json()["record"]["phone"] == "13833334444"
        assert county.api(
            "GET", "/admin/audit/verify", token=county.token("admin", "admin-pass-123")
        ).json()["ok"]

        c2.sync()
        assert s2.households.get(hid).phone == "13833334444"  # type: ignore[union-attr]
        resolved = [n for n in c2.notices() if n.kind == "resolved"]
        assert resolved and "已电话核实" in resolved[0].text_zh
        c1.sync()
        assert s1.households.get(hid).phone == "13833334444"  # type: ignore[union-attr]  # the other laptop follows


def test_a_visit_marked_has_issues_reaches_the_village_laptop(
    staff_window: Any, county: CountyServer, qtbot: Any, tmp_path: Path
) -> None:
    store, client = laptop(county, tmp_path / "visits", "sec_a")
    hid = county.households["li"].household_id
    with store:
        h = store.households.get(hid)
        assert h is not None
        visit = finalized_visit(
            store,
            hid,
            date.today(),
            "示范村书记",
            "房屋为D级危房",
            assess(h, on=date.today()).to_dict(),
        )
        client.sync()

        window = staff_window.window
        window.tabs.setCurrentWidget(window.visits)
        window.visits.refresh()
        select_row(qtbot, window.visits, "visit_id", visit.visit_id)
        review = window.visits.detail
        assert "房屋为D级危房" in review.findings.text()
        assert (
            review.cards.cards["housing"].current_outcome == "not_met"
        )  # the assessment sent with the visit
        review.issues_button.click()
        assert review.error.text(), "a comment is required for 'has issues'"
        review.comment.setPlainText("危房改造进度未填写，请补充后更正。")
        review.issues_button.click()
        qtbot.waitUntil(
            lambda: review.visit is not None and review.visit.review_status == "has_issues",
            timeout=20_000,
        )
        wait(staff_window)

        client.sync()
        notices = [n for n in client.notices() if n.kind == "has_issues"]
        assert notices and "危房改造进度未填写" in notices[0].text_zh
        on_laptop = store.visits.get(visit.visit_id)
        assert on_laptop is not None and on_laptop.review_status == "has_issues"
        assert on_laptop.review_comment == "危房改造进度未填写，请补充后更正。"


def test_the_conflict_page_names_a_county_change_and_says_when_the_origin_is_unknown(
    staff_window: Any,
) -> None:
    """A value last set at the county names the county user; a conflict filed before the server
    kept provenance (migration 0008) says so rather than guessing."""
    from fieldsurvey.api.lists import ListedConflict
    from fieldsurvey.ui.county.conflicts_page import Resolution

    panel = Resolution(staff_window.window.ctx)
    listed = {
        "conflict_id": "c",
        "kind": "field",
        "record_type": "household",
        "field": "phone",
        "status": "open",
        "household_no": "610728101001001",
        "village": "示范村",
        "device": "two",
        "user": "sec_a2",
        "display_name": "示范村工作队",
        "created_at": "2026-12-02T06:05:00+00:00",
        "base_value": "1",
        "device_value": "2",
        "server_value": "3",
        "batch_id": "b",
        "device_id": "d",
        "record_id": "h",
        "household_id": "h",
        "village_code": "610728101001",
        "base_revision": 1,
        "resolved_value": None,
        "resolved_by": None,
        "resolved_at": None,
        "note": None,
        "record_label": None,
        "server_source": {
            "source": "county",
            "change": "resolved",
            "device_id": None,
            "device": None,
            "user_id": "u",
            "username": "admin",
            "display_name": "admin",
            "batch_id": None,
            "at": "2026-12-01T02:30:00+00:00",
        },
    }
    conflict = ListedConflict.model_validate(listed)
    panel.show_conflict(conflict)
    assert (
        panel.side_titles[2].text()
        == f"县里 admin 于 {local_minute('2026-12-01T02:30:00+00:00')} 处理先前冲突时定的值"
    )
    panel.show_conflict(
        ListedConflict.model_validate(
            {
                **listed,
                "server_source": {
                    **listed["server_source"],
                    "change": "imported",
                    "username": "staff",
                    "display_name": "县乡村振兴局",
                },
            }
        )
    )
    assert panel.side_titles[2].text().startswith("县里 县乡村振兴局（staff） 于 ")
    panel.show_conflict(conflict.model_copy(update={"server_source": None}))
    assert (
        panel.side_titles[2].text()
        == f"县服务器上 {local_minute(conflict.created_at)} 前的值（来源未记录）"
    )
    assert "县里的值" not in panel.side_titles[2].text()
