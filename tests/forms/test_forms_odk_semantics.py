"""An imported XLSForm computes what ODK Collect computes: never silently different.

Every expected value below is worked by hand from the rule it cites — XPath 1.0 (W3C REC
xpath-19991116, sections 3.4 Booleans, 3.5 Numbers, 4.2 String functions, 4.4 Number
functions), the ODK XForms specification (getodk.github.io/xforms-spec, "XPath functions"),
and JavaRosa's implementation of them (org.javarosa.xpath.expr: XPathFuncExpr.toNumeric /
toString / toBoolean / round / toInt / substring / regex / count / sum / max, XPathEqExpr,
XPathCmpExpr, XPathArithExpr; XPathPathExprEval.removeIrrelevantNodesets). None is computed
by our evaluator first and pasted back.
"""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import pytest

from fieldsurvey.forms.expr.evaluator import evaluate
from fieldsurvey.forms.expr.parser import parse_expression
from fieldsurvey.forms.expr.values import Nodeset, Value
from tests.forms.test_forms_xlsform import import_and_open, workbook
from tests.support.forms import OdkEnv


def odk(source: str, current: Value = None, **values: Value | Nodeset) -> Value | Nodeset:
    return evaluate(parse_expression(source), OdkEnv(values, current))


# --- regex: java.util.regex.Pattern.matches, the whole value -----------------------------------
def test_regex_matches_the_whole_value() -> None:
    # XPathFuncExpr.regex returns Pattern.matches(re, str): the entire input must match.
    assert odk("regex(., '[0-9]{6}')", current="123456") is True
    assert odk("regex(., '[0-9]{6}')", current="1234567") is False  # 7 digits: no whole match
    assert odk("regex(., '[0-9]{6}')", current="a123456") is False
    assert odk("regex(., '1[3-9][0-9]{9}')", current="13800138000") is True
    # an unanswered value is '' (XPathPathExpr.unpackValue(null)); '' does not match [0-9]{6}
    assert odk("regex(${x}, '[0-9]{6}')", x=None) is False


# --- numbers from text: XPathFuncExpr.toNumeric ------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12", 12),
        (" 12 ", 12),  # trimmed
        ("-3.5", -3.5),
        ("1,5", 1.5),  # ',' is read as '.' (locales that write decimals with a comma)
        (".5", 0.5),
        ("1e3", None),  # only digits, '-' and '.' may appear: scientific notation is NaN
        ("+5", None),  # '+' is not allowed either
        ("abc", None),
        ("", None),  # Double.parseDouble("") throws: NaN
        ("1.2.3", None),  # passes the character test, parseDouble refuses: NaN
    ],
)
def test_number_conversion_follows_javarosa(text: str, expected: float | None) -> None:
    got = odk("number(${t})", t=text)
    if expected is None:
        assert isinstance(got, float) and math.isnan(got)
    else:
        assert got == expected


# --- comparisons -------------------------------------------------------------------------------
def test_less_than_compares_numbers_only() -> None:
    # XPathCmpExpr converts both sides with toNumeric; NaN < x and NaN > x are both false, so
    # two words never order (XPath 1.0 §3.4: relational operators compare numbers).
    assert odk("${a} < ${b}", a="apple", b="banana") is False
    assert odk("${a} > ${b}", a="apple", b="banana") is False
    assert odk("${a} < ${b}", a="10", b="9") is False  # 10 < 9 as numbers, not as texts
    assert odk("${a} >= ${b}", a="", b="") is False  # NaN >= NaN
    # a date is its days since 1970-01-01 (toNumeric(Date)); an ISO text is NaN, not a date
    assert odk("${d} > 19000", d=date(2024, 6, 15)) is True  # 19889 days
    assert odk("${d} > '2020-01-01'", d=date(2024, 6, 15)) is False


def test_equality_by_the_kinds_of_its_sides() -> None:
    # XPathEqExpr: either side boolean → booleans; else either side a number → numbers;
    # else texts.
    assert odk("${s} = '2.0'", s="2") is False  # two texts: '2' is not '2.0'
    assert odk("${n} = '2.0'", n=2) is True  # a number side: toNumeric('2.0') = 2
    assert odk("${s} = 2", s="02") is True  # '02' as a number is 2
    assert odk("${b} = 'false'", b=False) is False  # boolean('false') is true (non-empty text)
    assert odk("${n} = ''", n=None) is True  # unanswered reads '' (unpackValue(null))
    assert odk("${n} = 0", n=None) is False  # toNumeric('') is NaN; NaN = 0 is false
    assert odk("${n} != 0", n=None) is True
    assert odk("${d} = '2024-06-15'", d=date(2024, 6, 15)) is True  # date as yyyy-MM-dd text


# --- arithmetic and division by zero: IEEE doubles (XPath 1.0 §3.5) ----------------------------
def test_division_by_zero_is_infinite_and_zero_by_zero_nan() -> None:
    assert odk("1 div 0") == math.inf
    assert odk("-1 div 0") == -math.inf
    assert math.isnan(odk("0 div 0"))  # type: ignore[arg-type]
    assert odk("1 div 0 > 1000000") is True  # Infinity compares as a number
    assert odk("string(1 div 0)") == "Infinity"  # XPathFuncExpr.toString
    assert odk("string(-1 div 0)") == "-Infinity"
    assert odk("string(0 div 0)") == "NaN"
    # mod is Java's %: the sign of the dividend; x mod 0 is NaN
    assert odk("-7 mod 3") == -1
    assert odk("7 mod -3") == 1
    assert math.isnan(odk("5 mod 0"))  # type: ignore[arg-type]


def test_arithmetic_with_an_unanswered_value_is_nan() -> None:
    got = odk("${a} + 1", a=None)  # toNumeric('') = NaN; NaN + 1 = NaN
    assert isinstance(got, float) and math.isnan(got)
    assert odk("concat('x', ${a} + 1)", a=None) == "xNaN"
    # a date in arithmetic is its day number: 2024-06-15 is day 19889, plus 7 is 19896
    assert odk("${d} + 7", d=date(2024, 6, 15)) == 19896
    assert odk("date(${d} + 7)", d=date(2024, 6, 15)) == date(2024, 6, 22)


# --- round, int --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("round(2.5)", 3),  # half up
        ("round(-2.5)", -2),  # XPath 1.0 §4.4: the one closer to positive infinity
        ("round(-3.5)", -3),
        ("round(2.675, 2)", 2.68),  # on the decimal text '2.675', not the binary double
        ("round(-2.675, 2)", -2.67),  # BigDecimal ROUND_HALF_DOWN below zero
        ("round(1234.5678, -2)", 1200),  # negative places: hundreds
        ("round(-25, -1)", -20),  # (long)(-2.5 + 0.5) = -2 → -20
        ("int(3.9)", 3),  # toInt truncates
        ("int(-3.9)", -3),  # … towards zero
        ("int('7.2')", 7),
    ],
)
def test_round_and_int(source: str, expected: float) -> None:
    assert odk(source) == expected


def test_int_and_round_keep_nan_and_infinity() -> None:
    assert math.isnan(odk("int('abc')"))  # type: ignore[arg-type]
    assert odk("round(1 div 0)") == math.inf


# --- strings -----------------------------------------------------------------------------------
def test_string_of_numbers_as_java_prints_them() -> None:
    assert odk("string(6 div 2)") == "3"  # whole: no '.0'
    assert odk("string(1 div 3)") == "0.3333333333333333"  # Double.toString
    assert odk("string(0.1 + 0.2)") == "0.30000000000000004"
    assert odk("string(10000000.5)") == "1.00000005E7"  # ≥ 10^7: scientific
    assert odk("string(0.0001)") == "1.0E-4"  # < 10^-3: scientific
    assert odk("string(3000000000)") == "3.0E9"  # beyond Java's int: not whole in toString
    assert odk("string(1 = 1)") == "true"


def test_substr_counts_from_zero_and_negative_from_the_end() -> None:
    # XPathFuncExpr.substring: start/end as ints; negative ones add the length
    assert odk("substr('abcdef', 1, 3)") == "bc"
    assert odk("substr('abcdef', -2)") == "ef"
    assert odk("substr('abcdef', 2, -1)") == "cde"
    assert odk("substr('abc', 2, 1)") == ""
    assert odk("string-length(1 div 0)") == 8  # 'Infinity'


def test_text_functions() -> None:
    assert odk("normalize-space('  a \t b  ')") == "a b"
    assert odk("boolean-from-string('TRUE')") is True  # equalsIgnoreCase("true")
    assert odk("boolean-from-string('1')") is True
    assert odk("boolean-from-string('yes')") is False
    assert odk("boolean('false')") is True  # XPath 1.0 §4.3: a non-empty string is true
    assert odk("selected(${m}, 'b')", m=["a", "b"]) is True  # 'a b' as text
    assert odk("selected-at(${m}, 5)", m=["a", "b"]) == ""
    assert odk("coalesce(${a}, 'x')", a=None) == "x"


# --- aggregates over repeats -------------------------------------------------------------------
def test_aggregates_over_nodes() -> None:
    # the nodeset holds the relevant nodes, answered or not (removeIrrelevantNodesets)
    nodes = Nodeset((5, None, 3))
    assert odk("count(${x})", x=nodes) == 3  # count() counts nodes, not answers
    assert odk("count-non-empty(${x})", x=nodes) == 2
    assert odk("sum(${x})", x=nodes) == 8  # sum() skips the NaN of '' (XPathFuncExpr.sum)
    assert odk("max(${x})", x=nodes) == 5
    assert math.isnan(odk("max(${x})", x=Nodeset((None,))))  # type: ignore[arg-type]


# --- the same rules in an imported form, end to end --------------------------------------------
def test_an_imported_form_runs_with_odk_rules(tmp_path: Path) -> None:
    rows = [
        {"type": "text", "name": "postcode", "label::English (en)": "Postcode",
         "constraint": "regex(., '[0-9]{6}')"},
        {"type": "integer", "name": "sheep", "label::English (en)": "Sheep"},
        {"type": "integer", "name": "pens", "label::English (en)": "Pens"},
        {"type": "calculate", "name": "per_pen", "calculation": "${sheep} div ${pens}"},
        {"type": "calculate", "name": "crowded", "calculation": "if(${per_pen} > 50, 'yes', 'no')"},
        {"type": "begin_repeat", "name": "plots", "label::English (en)": "Plots"},
        {"type": "decimal", "name": "area", "label::English (en)": "Area"},
        {"type": "end_repeat"},
        {"type": "calculate", "name": "n_plots", "calculation": "count(${area})"},
        {"type": "calculate", "name": "total", "calculation": "sum(${area})"},
        {"type": "calculate", "name": "mean", "calculation": "round(${total} div ${n_plots}, 1)"},
    ]  # fmt: skip
    xlsx = workbook(tmp_path / "odk.xlsx", rows, [["list_name", "name", "label"]])
    s = import_and_open(tmp_path, xlsx)
    s.set_value("postcode", "1234567")
    assert [i.code for i in s.issues("postcode")] == ["constraint"]  # 7 digits: refused
    s.set_value("postcode", "123456")
    assert s.issues("postcode") == []
    s.set_value("sheep", 120)
    s.set_value("pens", 0)
    assert s.value("per_pen") == math.inf  # 120 div 0
    assert s.value("crowded") == "yes"  # Infinity > 50
    assert s.answers()["per_pen"] == "Infinity"  # saved as JavaRosa writes the double
    s.set_value("sheep", "")
    assert s.value("per_pen") is None  # NaN div 0 = NaN: a NaN calculation is unanswered
    assert s.value("crowded") == "no"  # NaN > 50 is false
    for area in (2.5, None, 1.5):
        key = s.add_instance("plots")
        if area is not None:
            s.set_value(f"plots[{key}]/area", area)
    assert s.value("n_plots") == 3  # three instances, one unanswered: still 3 nodes
    assert s.value("total") == 4
    assert s.value("mean") == 1.3  # 4 div 3 = 1.333… → 1.3
