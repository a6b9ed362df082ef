"""County mode shows the photos a laptop sent: on the household page and in visit review."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from fieldsurvey.core.photo_refs import item
from fieldsurvey.core.visit import Visit
from tests.county.test_county_review import laptop, select_row
from tests.support.county import STAFF_PASSWORD, CountyServer, wait
from tests.sync.test_sync_photos import noisy_photo

SHOTS = Path("/tmp/fieldsurvey-photo-shots")


def test_county_mode_shows_the_households_photos(
    staff_window: Any, county: CountyServer, qtbot: Any, tmp_path: Path
) -> None:
    store, client = laptop(county, tmp_path / "laptop", "sec_a")
    hid = county.households["li"].household_id
    shots = [noisy_photo(41, (640, 480)), noisy_photo(42, (480, 640))]
    with store:
        store.photos.add_many(shots)
        visit = Visit(
            hid,
            date.today(),
            "示范村书记",
            "household_visit",
            "2",
            {
                "food_secure": True,
                "renovation_before_photos": [item(shots[0].sha256, "西墙裂缝")],
                "house_photos": [item(shots[1].sha256)],
            },
            findings="危房",
        )
        store.visits.save_draft(visit)
        from fieldsurvey.core.assessment import assess

        store.visits.finalize(
            visit, None, assess(store.households.get(hid), on=date.today()).to_dict()
        )  # type: ignore[arg-type]
        assert client.sync().photos.stored == 2  # type: ignore[union-attr]

    window = staff_window.window
    page = window.households
    window.tabs.setCurrentWidget(page)
    page.refresh()
    select_row(qtbot, page, "household_id", hid)
    photos = page.detail.photos
    qtbot.waitUntil(
        lambda: len(photos.items) == 2 and photos.strip.loaded_count() == 2, timeout=20_000
    )
    entries = {e.sha256: e for e in photos.entries()}
    before, house = entries[shots[0].sha256], entries[shots[1].sha256]
    assert before.caption == "西墙裂缝" and "改造前" in before.context
    assert house.caption == "住房" and house.width == 480
    SHOTS.mkdir(exist_ok=True)
    page.detail.grab().save(str(SHOTS / "county-household.png"))
    viewer = photos.open_viewer(list(entries).index(shots[1].sha256))
    assert viewer is not None
    qtbot.waitUntil(lambda: viewer.pixmap is not None, timeout=10_000)
    assert viewer.pixmap.height() == 640 and viewer.pixmap.width() == 480
    viewer.close()

    window.tabs.setCurrentWidget(window.visits)
    window.visits.refresh()
    select_row(qtbot, window.visits, "visit_id", visit.visit_id)
    review = window.visits.detail
    qtbot.waitUntil(lambda: len(review.photos.items) == 2, timeout=20_000)
    wait(staff_window)

    # the county prints the ledger with the house photos, fetched from the server
    from fieldsurvey.ui.county.api import CountyApi
    from fieldsurvey.ui.county.ledger_bulk import Place, print_one
    from tests.ledger.test_ledger_photos import images_by_page

    api = CountyApi(county.url)
    api.sign_in("staff", STAFF_PASSWORD)
    try:
        li = county.households["li"]
        target = tmp_path / "li.pdf"
        print_one(
            api,
            Place("镇巴县", "泾洋街道", "示范村", li.division_code.value),
            li.household_no,
            hid,
            target,
            False,
        )
    finally:
        api.close()
    import hashlib

    printed = {hashlib.sha256(d).hexdigest() for imgs in images_by_page(target) for d in imgs}
    assert {shots[0].sha256, shots[1].sha256} <= printed
