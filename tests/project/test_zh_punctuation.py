"""Chinese text uses Chinese punctuation: the translations, the program's Chinese sentences, labels.

An ASCII comma, colon, semicolon or pair of parentheses inside a Chinese sentence (see
``tests/support/zh_punctuation.py`` for the rule) fails here with the file and the spot.
"""

from __future__ import annotations

import io
import json
import re
import tokenize
import xml.etree.ElementTree as ET
from pathlib import Path

from tests.support.zh_punctuation import fix, problems

ROOT = Path(__file__).parents[2]
# Chinese that is matched against what people type or import, not shown as a sentence: XLSForm
# columns and spreadsheet headers, the demo's made-up data.
NOT_SENTENCES = (
    "fieldsurvey/demo/",
    "fieldsurvey/forms/xlsform",
    "fieldsurvey/store/migrations",
    "fieldsurvey/core/spreadsheet.py",
)


def test_the_translations() -> None:
    bad = []
    for message in (
        ET.parse(ROOT / "resources" / "i18n" / "fieldsurvey_zh_CN.ts").getroot().iter("message")
    ):
        text = message.findtext("translation") or ""
        bad += [(message.findtext("source"), spot) for spot in problems(text)]
    assert not bad, bad


def test_the_chinese_strings_in_the_code() -> None:
    bad = []
    for path in sorted((ROOT / "fieldsurvey").rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith(NOT_SENTENCES):
            continue
        tokens = list(
            tokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline)
        )
        for k, tok in enumerate(tokens):
            if tok.type != tokenize.STRING:
                continue
            if (
                tokens[k - 1].type
                in (tokenize.INDENT, tokenize.NEWLINE, tokenize.NL, tokenize.DEDENT)
                and tokens[k + 1].type == tokenize.NEWLINE
            ):
                continue  # a docstring: English for developers
            if fix(tok.string) != tok.string:
                bad.append(f"{rel}:{tok.start[0]}: {problems(tok.string)}")
    assert not bad, "\n".join(bad)


def test_the_labels_of_code_lists_and_policy_tables() -> None:
    bad = []
    for path in [
        *(ROOT / "resources" / "codes").glob("*.json"),
        *(ROOT / "resources" / "policy").glob("*.json"),
    ]:
        text = path.read_text(encoding="utf-8")
        json.loads(text)
        for value in re.findall(r'"(?:zh|title_zh)"\s*:\s*"([^"]*)"', text):
            bad += [(path.name, spot) for spot in problems(value)]
    assert not bad, bad


def test_the_rule() -> None:
    assert fix("已生成 {count} 户,{n} 个村") == "已生成 {count} 户，{n} 个村"
    assert fix("家中没有义务教育年龄(6–15岁)的儿童") == "家中没有义务教育年龄（6–15岁）的儿童"
    assert fix("水源:{label}") == "水源：{label}"
    assert fix("新建走访(&N)") == "新建走访(&N)"  # a menu mnemonic stays
    assert fix("共 1,000 户，10:30 开始") == "共 1,000 户，10:30 开始"
    assert (
        fix("print household ledgers (扶贫手册) and reports")
        == "print household ledgers (扶贫手册) and reports"
    )
    assert fix("{key}({amount:.2f}元)") == "{key}（{amount:.2f}元）"
