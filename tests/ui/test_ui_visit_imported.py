"""An imported XLSForm as a section of the household visit, in the real app: the editor draws
its new types, fills ${last-saved#…} from the household's last finalized visit, and offers the
form's languages in its language menu (Chinese and English first)."""

from __future__ import annotations

from pathlib import Path

from fieldsurvey.app import visits as app_visits
from fieldsurvey.forms.library import FormLibrary
from fieldsurvey.ui.visit.more_inputs import GeopointInput
from tests.support.forms import imported_visit
from tests.support.visit import new_visit, row

SURVEY = [
    [
        "type",
        "name",
        "label::Chinese (zh)",
        "label::English (en)",
        "label::Français (fr)",
        "default",
    ],
    ["text", "note", "备注", "Note", "Remarque", "${last-saved#note}"],
    ["geopoint", "house", "房屋位置", "House", "Maison", ""],
    ["start", "start", "", "", "", ""],
]


def county_library(tmp_path: Path) -> FormLibrary:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "survey"
    for r in SURVEY:
        ws.append(r)
    wb.create_sheet("choices").append(["list_name", "name", "label"])
    st = wb.create_sheet("settings")
    st.append(["form_id", "version"])
    st.append(["county_extra", "1"])
    wb.save(tmp_path / "extra.xlsx")
    return imported_visit(
        tmp_path / "extra.xlsx",
        tmp_path / "forms",
        version="1",
        title={"zh": "县补充走访", "en": "County visit"},
    )


def test_an_imported_form_in_the_visit_editor(
    window, ui_store, qtbot, tmp_path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setitem(app_visits._library, "default", county_library(tmp_path))
    editor = new_visit(window, qtbot, ui_store.ids["wang"])  # visited ten days ago: note 'ok'
    session = editor.session
    assert session.value("note") == "ok"  # ${last-saved#note}: the last finalized visit's answer
    assert row(editor, "note").input.line.text() == "ok"
    assert session.value("start") is not None  # metadata, filled and not shown
    assert editor.page(session.survey.sections[0].id).field_row("start") is None
    box = editor.language_box
    assert not box.isHidden()
    assert [box.itemData(i) for i in range(box.count())] == ["zh", "en", "fr"]
    assert row(editor, "note").label.text().startswith("备注")
    box.activated.emit(box.findData("fr"))
    assert "Remarque" in row(editor, "note").label.text()
    house = row(editor, "house").input
    assert isinstance(house, GeopointInput)
    house.line.setText("32.5 107.9")
    house.commit_pending()
    qtbot.waitUntil(lambda: session.value("house") == "32.5 107.9", timeout=3000)
