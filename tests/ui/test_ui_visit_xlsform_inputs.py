"""The visit editor's inputs for the types imported XLSForms bring, as real Qt widgets
(offscreen): each shows the engine's value and hands what the user does to ``set_value``."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from PySide6.QtCore import Qt

from fieldsurvey.forms import FormSession
from fieldsurvey.forms.engine import VisitContext
from fieldsurvey.ui.visit.inputs import make_input
from fieldsurvey.ui.visit.more_inputs import (
    DateTimeInput,
    GeopointInput,
    RangeInput,
    RankInput,
    TimeInput,
)
from tests.forms.test_forms_xlsform_features import imported

ROWS = [
    {"type": "time", "name": "arrived", "label": "Arrived"},
    {"type": "dateTime", "name": "met", "label": "Met"},
    {"type": "geopoint", "name": "house", "label": "House"},
    {"type": "range", "name": "score", "label": "Score", "parameters": "start=0 end=10 step=2"},
    {"type": "rank needs", "name": "needs", "label": "Needs"},
    {"type": "text", "name": "note", "label": "Note", "read_only": "${score} > 6"},
]
CHOICES = [["list_name", "name", "label"], ["needs", "water", "Water"], ["needs", "road", "Road"],
           ["needs", "school", "School"]]  # fmt: skip


class Wired:
    """One input wired to a session as the editor wires it: commit → set_value → show again."""

    def __init__(self, session: FormSession, path: str) -> None:
        self.session, self.path = session, path
        self.input = make_input(session.element(path))  # type: ignore[arg-type]
        self.errors: list[str] = []
        self.input.committed.connect(self.commit)
        self.show()

    def row(self):  # type: ignore[no-untyped-def]
        return next(r for r in self.session.rows("real_form") if r.path == self.path)

    def show(self) -> None:
        row = self.row()
        self.input.set_editable(not row.read_only)
        self.input.show_row(row, self.session.choices(self.path), "en")

    def commit(self, raw: object) -> None:
        try:
            self.session.set_value(self.path, raw)
        except Exception as e:
            self.errors.append(e.text.en)  # type: ignore[attr-defined]
        self.show()


def test_the_new_types_get_their_inputs(tmp_path: Path, qtbot) -> None:  # type: ignore[no-untyped-def]
    s, _ = imported(tmp_path, ROWS, CHOICES)
    kinds = {
        name: type(make_input(s.element(name)))
        for name in ("arrived", "met", "house", "score", "needs")
    }  # type: ignore[arg-type]
    assert kinds == {"arrived": TimeInput, "met": DateTimeInput, "house": GeopointInput,
                     "score": RangeInput, "needs": RankInput}  # fmt: skip


def test_typing_a_time_and_a_datetime(tmp_path: Path, qtbot) -> None:  # type: ignore[no-untyped-def]
    s, _ = imported(tmp_path, ROWS, CHOICES)
    t, dt = Wired(s, "arrived"), Wired(s, "met")
    qtbot.addWidget(t.input)
    qtbot.addWidget(dt.input)
    t.input.line.setText("7:45")
    t.input.commit_pending()
    assert s.display_value("arrived") == "07:45" and t.input.line.text() == "07:45"
    dt.input.line.setText("2024-05-01 14:30")
    dt.input.commit_pending()
    assert s.display_value("met") == "2024-05-01 14:30"
    t.input.line.setText("25:10")
    t.input.commit_pending()
    assert t.errors == ["enter a time (e.g. 14:30)"]
    before = datetime.now()
    qtbot.mouseClick(dt.input.now, Qt.MouseButton.LeftButton)
    value = s.value("met")
    assert abs(value.replace(tzinfo=None) - before) < timedelta(minutes=2)  # type: ignore[union-attr]


def test_pasting_coordinates_without_gps(tmp_path: Path, qtbot) -> None:  # type: ignore[no-untyped-def]
    s, _ = imported(tmp_path, ROWS, CHOICES)
    g = Wired(s, "house")
    qtbot.addWidget(g.input)
    g.input.line.setText("30.6586, 104.0647")  # as a map app copies it
    g.input.commit_pending()
    assert s.value("house") == "30.6586 104.0647"
    assert (
        g.input.parts.text()
        in (
            "lat 30.6586, lon 104.065; accuracy: none (typed)",
            "纬度 30.6586，经度 104.065；精度：无（手工输入）",  # when an earlier test switched to Chinese
        )
    )
    g.input.line.setText("30.6586 200")
    g.input.commit_pending()
    assert g.errors == ["the longitude must be between -180 and 180"]
    assert s.value("house") == "30.6586 104.0647"  # the bad input changed nothing


def test_range_slider_and_rank_list(tmp_path: Path, qtbot) -> None:  # type: ignore[no-untyped-def]
    s, _ = imported(tmp_path, ROWS, CHOICES)
    r, k, note = Wired(s, "score"), Wired(s, "needs"), Wired(s, "note")
    for w in (r, k, note):
        qtbot.addWidget(w.input)
    assert r.input.slider.maximum() == 5  # 0, 2, 4, 6, 8, 10
    r.input.slider.setValue(4)  # the keyboard's arrows move it like this
    assert s.value("score") == 8 and r.input.value_label.text() == "8"
    note.show()
    assert note.input.line.isReadOnly()  # read_only: ${score} > 6 holds now
    assert [k.input.list.item(i).text() for i in range(3)] == ["Water", "Road", "School"]
    k.input.list.setCurrentRow(2)
    k.input.move(-1)  # School above Road
    assert s.value("needs") == ["water", "school", "road"]
    assert [k.input.list.item(i).text() for i in range(3)] == ["1. Water", "2. School", "3. Road"]
    qtbot.mouseClick(r.input.clear_button, Qt.MouseButton.LeftButton)
    assert s.value("score") is None and r.input.value_label.text() == "—"


def test_context_reaches_the_session(tmp_path: Path) -> None:
    opened = datetime(2024, 6, 15, 8, 0, tzinfo=timezone(timedelta(hours=8)))
    s, _ = imported(
        tmp_path,
        [{"type": "start", "name": "start"}, {"type": "text", "name": "x", "label": "X"}],
        now=opened,
    )
    assert s.value("start") == opened and s.today == date(2024, 6, 15)
    assert isinstance(s.engine.context, VisitContext)


def test_the_editor_reads_last_saved_from_the_households_last_finalized_visit(
    tmp_path: Path, fast_kdf: dict
) -> None:
    from fieldsurvey.app.visits import visit_context
    from fieldsurvey.core.visit import Visit
    from fieldsurvey.store import Store
    from tests.support.factories import household

    h = household("6107281010010001")
    store, _ = Store.create(tmp_path / "s", "一个足够长的密码短语", kdf=fast_kdf)
    try:
        store.households.add_many([h])
        older = Visit(household_id=h.household_id, visit_date=date(2024, 5, 1), visitor="王",
                      form_id="household_visit", form_version="1", answers={"water": "river"})  # fmt: skip
        last = Visit(household_id=h.household_id, visit_date=date(2024, 6, 1), visitor="王",
                     form_id="household_visit", form_version="1", answers={"water": "well"})  # fmt: skip
        store.visits.finalize(older, None, None)
        store.visits.finalize(last, None, None)
        draft = Visit(household_id=h.household_id, visit_date=date(2024, 7, 1), visitor="王",
                      form_id="household_visit", form_version="1", answers={"water": "tap"})  # fmt: skip
        store.visits.save_draft(draft)
        context = visit_context(store, h.household_id, "王建国", "en", draft)
        assert context.last_saved == {"water": "well"}  # the newest finalized, never the draft
        assert context.username == "王建国"  # not enrolled: the visitor
        assert context.device_id == store.store_id  # not enrolled: this laptop's store
        assert context.language == "en" and context.now is not None
        first = visit_context(store, "no-such-household", "王建国", "zh", None)
        assert first.last_saved == {}
    finally:
        store.close()


def test_a_range_that_counts_down(tmp_path: Path, qtbot) -> None:  # type: ignore[no-untyped-def]
    s, _ = imported(tmp_path, [{"type": "range", "name": "r", "label": "R",
                                "parameters": "start=10 end=0 step=5"}])  # fmt: skip
    w = Wired(s, "r")
    qtbot.addWidget(w.input)
    assert w.input.slider.maximum() == 2  # 10, 5, 0
    w.input.slider.setValue(1)
    assert s.value("r") == 5
    w.input.slider.setValue(2)
    assert s.value("r") == 0 and w.input.slider.value() == 2
