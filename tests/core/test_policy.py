"""The shipped policy tables, the lookups, and a county's override folder."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import pytest

from fieldsurvey.core.errors import UserError
from fieldsurvey.core.policy import POLICY_DIR_ENV, PolicyError, load_policy, shipped_policy_dir

INCOME_ITEM_KEYS = [
    "wage.migrant_work",
    "wage.public_welfare_job",
    "wage.local",
    "business.crops",
    "business.livestock",
    "business.forestry_fruit",
    "business.other",
    "property.dividend",
    "property.land_transfer",
    "property.finance",
    "property.entrusted",
    "property.rent",
    "property.interest",
    "transfer.family_planning",
    "transfer.dibao",
    "transfer.destitute",
    "transfer.pension",
    "transfer.eco_compensation",
    "transfer.relocation_subsidy",
    "transfer.land_fertility",
    "transfer.elderly",
    "transfer.disability",
    "transfer.disaster_relief",
    "transfer.support_from_children",
    "transfer.anti_poverty_insurance",
    "transfer.other",
    "transfer.conscript_pay",
    "transfer.condolence",
    "transfer.pension_for_martyrs",
]
EXCLUDED = {"transfer.conscript_pay", "transfer.condolence", "transfer.pension_for_martyrs"}


@pytest.fixture(autouse=True)
def no_county_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(POLICY_DIR_ENV, raising=False)


def county(tmp_path: Path, **tables: object) -> Path:
    folder = tmp_path / "county_policy"
    folder.mkdir(exist_ok=True)
    for name, content in tables.items():
        text = content if isinstance(content, str) else json.dumps(content, ensure_ascii=False)
        (folder / f"{name}.json").write_text(text, encoding="utf-8")
    return folder


def test_every_shipped_value_names_its_source_and_unverified_ones_explain_why() -> None:
    policy = load_policy()
    assert policy.entries
    for entry in policy.entries:
        assert entry.source.strip(), entry.key
        if not entry.verified:
            assert entry.note and entry.note.strip(), entry.key


def test_values_the_reference_marks_unverified_are_marked_so() -> None:
    unverified = {e.key for e in load_policy().unverified()}
    assert {
        "poverty_line:lines.2019",
        "poverty_line:lines.2020",
        "monitoring_threshold:thresholds.national.2021",
        "school_ages:end_age",
    } <= unverified
    # Shaanxi's thresholds are not in the reference at all
    assert {f"monitoring_threshold:thresholds.610000.{y}" for y in range(2021, 2026)} <= unverified
    assert "poverty_line:lines.2010" not in unverified
    assert "water:max_outage_days" not in unverified


def test_the_national_line_exists_2010_to_2020_only() -> None:
    policy = load_policy()
    line_2010 = policy.poverty_line(2010)
    assert line_2010 is not None and line_2010.value == 2300 and line_2010.verified
    assert policy.poverty_line(2016).value == 2952  # type: ignore[union-attr]
    assert policy.poverty_line(2019).verified is False  # type: ignore[union-attr]
    for year in (2009, 2021, 2025, 2030):
        assert policy.poverty_line(year) is None


@pytest.mark.parametrize(
    ("division", "year", "value", "used"),
    [
        ("610728", 2024, 6000, "610000"),  # the demo county: Shaanxi's (unverified) entry
        ("61", 2022, 6000, "610000"),
        ("610728101001", 2025, 6000, "610000"),
        ("350121", 2023, 10560, "350121"),  # Minhou's own county entry
        ("350102", 2023, 6000, "national"),  # elsewhere in Fujian: the national floor
        ("420102", 2025, 7600, "420000"),  # Hubei 2023 carried forward
        ("420102", 2022, 6000, "national"),  # before Hubei's entry
        ("530102", 2025, 8700, "530000"),
    ],
)
def test_monitoring_threshold_is_the_most_specific_entry_for_the_year_or_before(
    division: str, year: int, value: float, used: str
) -> None:
    policy = load_policy()
    line = policy.income_line(division, year)
    assert line is not None and line.kind == "monitoring_threshold"
    assert (line.amount.value, line.division) == (value, used)
    assert policy.monitoring_threshold(division, year) == line.amount


def test_income_line_uses_the_national_line_up_to_2020_and_the_threshold_after() -> None:
    policy = load_policy()
    assert policy.income_line("610728", 2015).kind == "poverty_line"  # type: ignore[union-attr]
    assert policy.income_line("610728", 2021).kind == "monitoring_threshold"  # type: ignore[union-attr]
    assert policy.income_line("110101", 2019).amount.value == 3218  # type: ignore[union-attr]
    assert policy.income_line("110101", 2009) is None


def test_water_thresholds_by_area_type() -> None:
    policy = load_policy()
    normal, short = policy.water_thresholds(False), policy.water_thresholds(True)
    assert (normal.quantity_lpd.value, short.quantity_lpd.value) == (35, 20)
    assert (
        normal.trip_minutes.value,
        normal.distance_horizontal_m.value,
        normal.distance_vertical_m.value,
    ) == (20, 800, 80)
    assert normal.max_outage_days.value == short.max_outage_days.value == 36
    assert "T/CHES 18-2018" in normal.quantity_lpd.source


def test_school_ages_and_the_entry_cutoff() -> None:
    ages = load_policy().school_ages()
    assert (ages.entry_age.value, ages.end_age.value, ages.end_age.verified) == (6, 15, False)
    assert ages.entry_reference_day(date(2024, 3, 1)) == date(2023, 8, 31)
    assert ages.entry_reference_day(date(2024, 8, 31)) == date(2023, 8, 31)
    assert ages.entry_reference_day(date(2024, 9, 1)) == date(2024, 8, 31)


def test_income_items_are_the_shared_contract() -> None:
    policy = load_policy()
    items = policy.income_items()
    assert sorted(items) == sorted(INCOME_ITEM_KEYS)
    for key, item in items.items():
        assert item.component == key.split(".")[0]
        assert item.label.zh and item.label.en and item.source
    assert set(items) - set(policy.counted_items()) == EXCLUDED


def test_the_same_folder_gives_the_same_cached_policy(tmp_path: Path) -> None:
    assert load_policy() is load_policy()
    folder = county(tmp_path, water={"max_outage_days": {"value": 30, "source": "县水利局"}})
    assert load_policy(folder) is load_policy(folder)
    assert load_policy(folder) is not load_policy()


def test_county_values_replace_shipped_ones_key_by_key(tmp_path: Path) -> None:
    folder = county(
        tmp_path,
        monitoring_threshold={
            "thresholds": {
                "610000": {"2024": {"value": 7300, "source": "陕西省2024年文件（县录入）"}}
            }
        },
        water={"quantity_lpd": {"water_short": {"value": 25, "source": "县水利局 2024"}}},
    )
    policy = load_policy(folder)
    threshold = policy.monitoring_threshold("610728", 2024)
    assert threshold is not None and (threshold.value, threshold.verified, threshold.county) == (
        7300,
        True,
        True,
    )
    assert policy.monitoring_threshold("610728", 2023).value == 6000  # type: ignore[union-attr]  # untouched
    assert policy.monitoring_threshold("420102", 2023).value == 7600  # type: ignore[union-attr]
    assert policy.water_thresholds(True).quantity_lpd.value == 25
    assert policy.water_thresholds(False).quantity_lpd.value == 35
    assert policy.poverty_line(2010).value == 2300  # type: ignore[union-attr]


def test_a_county_item_override_takes_its_own_provenance(tmp_path: Path) -> None:
    folder = county(
        tmp_path,
        income_items={"items": {"transfer.condolence": {"counted": True, "source": "县口径"}}},
    )
    item = load_policy(folder).income_items()["transfer.condolence"]
    assert (item.counted, item.verified, item.source, item.county) == (True, True, "县口径", True)
    assert item.label.zh == "慰问金"  # shipped label kept


def test_the_environment_names_the_county_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = county(tmp_path, school_ages={"end_age": {"value": 16, "source": "县教育局"}})
    monkeypatch.setenv(POLICY_DIR_ENV, str(folder))
    assert load_policy().school_ages().end_age.value == 16
    monkeypatch.delenv(POLICY_DIR_ENV)
    assert load_policy().school_ages().end_age.value == 15


def test_an_edited_county_file_is_read_again(tmp_path: Path) -> None:
    folder = county(tmp_path, school_ages={"end_age": {"value": 16, "source": "县教育局"}})
    assert load_policy(folder).school_ages().end_age.value == 16
    path = folder / "school_ages.json"
    path.write_text(
        json.dumps({"end_age": {"value": 17, "source": "县教育局 修订"}}), encoding="utf-8"
    )
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert load_policy(folder).school_ages().end_age.value == 17


BAD_OVERRIDES = [
    ("not JSON", {"water": '{"max_outage_days": {"value": 30,'}, "water.json", "JSON"),
    (
        "no source",
        {"water": {"max_outage_days": {"value": 30}}},
        "water.json → max_outage_days.source",
        "source",
    ),
    (
        "empty source",
        {"water": {"max_outage_days": {"value": 30, "source": " "}}},
        "max_outage_days.source",
        "source",
    ),
    (
        "text for a number",
        {"water": {"max_outage_days": {"value": "30", "source": "x"}}},
        "max_outage_days.value",
        "number",
    ),
    (
        "true for a number",
        {"water": {"max_outage_days": {"value": True, "source": "x"}}},
        "max_outage_days.value",
        "number",
    ),
    (
        "out of range",
        {"relapse_risk": {"income_drop_ratio": {"value": 1.5, "source": "x"}}},
        "income_drop_ratio.value",
        "0–1",
    ),
    (
        "typo in a key",
        {"water": {"max_outage_day": {"value": 30, "source": "x"}}},
        "water.json",
        "max_outage_day",
    ),
    (
        "typo in a value object",
        {"water": {"max_outage_days": {"vaule": 30, "source": "x"}}},
        "max_outage_days",
        "vaule",
    ),
    ("unknown table", {"povertyline": {}}, "povertyline.json", "not a known policy table"),
    (
        "unverified without note",
        {"water": {"max_outage_days": {"value": 30, "source": "x", "verified": False}}},
        "max_outage_days.note",
        "note",
    ),
    (
        "bad year",
        {"poverty_line": {"lines": {"20x4": {"value": 1, "source": "x"}}}},
        "lines.20x4",
        "4 digits",
    ),
    (
        "bad division",
        {"monitoring_threshold": {"thresholds": {"6107": {"2024": {"value": 1, "source": "x"}}}}},
        "thresholds.6107",
        "6-digit",
    ),
    (
        "item without source",
        {"income_items": {"items": {"transfer.condolence": {"counted": True}}}},
        "items.transfer.condolence.source",
        "source",
    ),
    (
        "item counted not bool",
        {"income_items": {"items": {"transfer.condolence": {"counted": "yes", "source": "x"}}}},
        "counted",
        "true or false",
    ),
    (
        "bad cutoff",
        {"school_ages": {"entry_cutoff": {"value": "31-08", "source": "x"}}},
        "entry_cutoff.value",
        "MM-DD",
    ),
    (
        "end age out of range",
        {"school_ages": {"end_age": {"value": 9, "source": "x"}}},
        "end_age.value",
        "10–20",
    ),
    (
        "unknown labour code",
        {"relapse_risk": {"labour_capacities": {"value": ["strong"], "source": "x"}}},
        "labour_capacities",
        "strong",
    ),
    (
        "ratio for a non-business key",
        {"business_cost_ratios": {"ratios": {"wage.local": {"value": 0.1, "source": "x"}}}},
        "ratios",
        "wage.local",
    ),
]


@pytest.mark.parametrize(
    ("tables", "where", "says"), [r[1:] for r in BAD_OVERRIDES], ids=[r[0] for r in BAD_OVERRIDES]
)
def test_an_invalid_county_file_is_a_user_error_naming_file_and_key(
    tmp_path: Path, tables: dict[str, object], where: str, says: str
) -> None:
    folder = county(tmp_path, **tables)
    with pytest.raises(PolicyError) as caught:
        load_policy(folder)
    assert isinstance(caught.value, UserError)
    message = caught.value.text.en
    assert where in message and says in message, message
    assert (
        caught.value.text.zh and str(folder) not in caught.value.text.zh
    )  # the file name, not the path


def test_a_missing_county_folder_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="does not exist"):
        load_policy(tmp_path / "nowhere")


def test_other_files_in_the_county_folder_are_ignored(tmp_path: Path) -> None:
    folder = county(tmp_path)
    (folder / "README.txt").write_text("说明", encoding="utf-8")
    assert load_policy(folder).poverty_line(2010).value == 2300  # type: ignore[union-attr]


def test_the_shipped_folder_holds_only_known_tables() -> None:
    names = {p.stem for p in shipped_policy_dir().glob("*.json")}
    assert names == {
        "poverty_line",
        "monitoring_threshold",
        "water",
        "school_ages",
        "income_items",
        "business_cost_ratios",
        "medical",
        "relapse_risk",
        "village_exit_standard",
        "medical_reimbursement",
        "dibao_phase_out",
        "relapse_rate",
        "income_targets",
    }
