"""Small rulesets written inline, so each test shows the 细则 it scores against."""
from __future__ import annotations

import io
import textwrap
from decimal import Decimal
from pathlib import Path

from kaohe.engine import evaluate, evidence_from_data, load_ruleset

UNITS = ["甲县", "乙县", "丙县", "丁县", "戊县"]

HEADER = """\
id: {id}
title: 测试细则
version: "1"
issuer: 测试考核办
level: 县
units: [甲县, 乙县, 丙县, 丁县, 戊县]
period: {{start: 2014-01-01, end: 2014-12-31}}
sources: [{{id: s, title: 测试文件, document_number: 测发〔2014〕1号}}]
scale: {scale}
grading:
  citation: {{source: s, clause: 第五条, text: 90分及以上为A级。}}
  rounding: {rounding}
  bands:
    - {{label: A, min: 90, text: 90分及以上为A级}}
    - {{label: B, min: 80}}
    - {{label: C, min: 60}}
    - {{label: D}}
"""


def write(folder: Path, text: str, name: str = "ruleset.yaml") -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def ruleset_text(body: str, scale="100", rounding="none", ruleset_id="t") -> str:
    return HEADER.format(id=ruleset_id, scale=scale, rounding=rounding) + textwrap.dedent(body)


def one_item_ruleset(folder: Path, item: str, points: str):
    """A ruleset whose only item is `item` (YAML lines of a leaf, without id/title/points/citation)."""
    lines = "\n".join("    " + line for line in textwrap.dedent(item).strip().splitlines())
    body = f"""\
items:
  - id: X
    title: 测试项
    points: {points}
    citation: {{source: s, clause: 第二条, text: 测试条款}}
{lines}
"""
    return load_ruleset(write(folder, ruleset_text(body, scale=points)))


def score_values(ruleset, values: list, targets: list | None = None):
    """Score item X for one unit per value; returns the ItemResults in order."""
    batch = []
    for index, value in enumerate(values):
        data = {"unit": UNITS[index], "ruleset": ruleset.id, "values": {"X": value}}
        if targets and targets[index] is not None:
            data["targets"] = {"X": targets[index]}
        batch.append(evidence_from_data(data, ruleset, f"{UNITS[index]}.yaml", ""))
    return [result.items[0] for result in evaluate(ruleset, batch)]


def score_one(folder: Path, item: str, points: str, value, target=None):
    ruleset = one_item_ruleset(folder, item, points)
    return score_values(ruleset, [value], [target])[0]


def D(text) -> Decimal:  # noqa: N802 - reads like the number it makes
    return Decimal(str(text))


def fillin_template(ruleset, unit: str = "甲县"):
    """The unit's fill-in workbook as `kaohe template` makes it, opened with openpyxl."""
    from openpyxl import load_workbook

    from kaohe.engine.render.fillin import fillin_xlsx
    return load_workbook(io.BytesIO(fillin_xlsx(ruleset, unit)))


def fillin_rows(ws) -> dict[str, int]:
    """Row key (column A) → row number, on the 填报 sheet."""
    return {ws.cell(row, 1).value: row for row in range(6, ws.max_row + 1) if ws.cell(row, 1).value}


def validation_rules(ws) -> dict[str, tuple]:
    """Cell range → (the data validation, its formula1 — for a dropdown, the tuple of its options)."""
    found = {}
    for rule in ws.data_validations.dataValidation:
        first = rule.formula1
        if rule.type == "list":
            sheet, source = first.lstrip("=").split("!")
            first = tuple(c.value for line in ws.parent[sheet][source.replace("$", "")] for c in line)
        found[str(rule.sqref)] = (rule, first)
    return found
