"""Who provides each value: `provider:` in the ruleset, the unit's workbook, the self-check, the party workbooks."""
from pathlib import Path

import pytest

from kaohe.engine import PROVIDERS, KaoheError, load_ruleset
from kaohe.engine.diff import diff
from tests.helpers import D, ruleset_text, write

ROOTS = Path(__file__).parent.parent / "rulesets"
WENZHOU = load_ruleset(ROOTS / "wenzhou-2014")

ITEMS = """\
items:
  - id: 一
    title: 质量目标
    points: 60
    citation: {source: s, clause: 第四条, text: 质量目标}
    provider: department
    department: 市环保局、市住建委
    children:
      - {id: 一.1, title: 地表水水质, points: 20, method: all_or_nothing}
      - {id: 一.2, title: 工程质量, points: 20, method: judged, department: 市住建委}
      - {id: 一.3, title: 质量工作方案, points: 20, method: all_or_nothing, provider: unit}
  - id: 二
    title: 质量措施
    points: 40
    citation: {source: s, clause: 第四条, text: 质量措施}
    children:
      - {id: 二.1, title: 宣传氛围, points: 20, method: judged}
      - {id: 二.2, title: 品牌培育, points: 20, method: all_or_nothing, department: 市质监局}
"""


def problems(folder: Path, body: str) -> list[str]:
    with pytest.raises(KaoheError) as caught:
        load_ruleset(write(folder, ruleset_text(body)))
    return str(caught.value).replace(f"{folder}/", "").splitlines()


# --- 1. provider in the ruleset language ------------------------------------------------------------------


def test_providers_are_named_in_chinese():
    assert PROVIDERS == {"unit": "单位", "inspection": "考核组", "department": "牵头部门"}


def test_defaults_and_what_a_section_passes_down(tmp_path):
    ruleset = load_ruleset(write(tmp_path, ruleset_text(ITEMS)))
    assert [(i.id, i.provider, i.department) for i in ruleset.leaves()] == [
        ("一.1", "department", "市环保局、市住建委"),  # the section's provider and department
        ("一.2", "department", "市住建委"),  # judged, yet the section says who: its lead department
        ("一.3", "unit", "市环保局、市住建委"),  # says otherwise
        ("二.1", "inspection", ""),  # judged: the inspection group, by default
        ("二.2", "unit", "市质监局"),  # a department alone does not make it the department's
    ]
    assert [(i.provider_label, i.departments) for i in ruleset.leaves()][:2] == [
        ("牵头部门（市环保局、市住建委）", ("市环保局", "市住建委")), ("牵头部门（市住建委）", ("市住建委",))]


def test_departments_split_on_every_separator_but_not_inside_brackets():
    from kaohe.engine.model import Item
    def departments(text): return Item("x", "x", D(1), None, department=text).departments  # noqa: E704
    assert departments("市住建委、市交通运输局，市水利局,市环保局; 市质监局；市财政局") == (
        "市住建委", "市交通运输局", "市水利局", "市环保局", "市质监局", "市财政局")
    assert departments("各县（市、区）政府") == ("各县（市、区）政府",)
    assert departments("") == ()


def test_a_department_provider_needs_a_department(tmp_path):
    body = ITEMS.replace("    department: 市环保局、市住建委\n", "")
    assert problems(tmp_path, body) == [
        'ruleset.yaml:25:9: 指标 一.1「地表水水质」由牵头部门评定（provider: department），'
        '但本项和上级指标都没有写明考核牵头部门 "department"（一.1）',
        "  提示：在本项或其上级指标写明 department，例如 department: 市环保局",
    ]
    body = ITEMS.replace("method: all_or_nothing, department: 市质监局", "method: all_or_nothing, provider: department")
    assert problems(tmp_path, body)[0] == (
        'ruleset.yaml:35:78: 指标 二.2「品牌培育」由牵头部门评定（provider: department），'
        '但本项和上级指标都没有写明考核牵头部门 "department"（二.2 › provider）')


def test_an_unknown_provider_gets_a_close_name(tmp_path):
    assert problems(tmp_path, ITEMS.replace("provider: unit", "provider: unti")) == [
        'ruleset.yaml:28:80: 不允许的取值 "unti"，可选：unit、inspection、department（一.3 › provider）',
        '  提示：是否应为 "unit"？',
    ]


def test_the_bundled_rulesets_name_who_provides_what():
    assert {i.id: i.provider for i in WENZHOU.leaves() if i.provider != "unit"} == {
        "一.10": "department", "一.11": "department", "二.7": "inspection", "二.14": "inspection", "二.15": "inspection"}
    for name in ("hubei-2014", "hubei-2015"):
        ruleset = load_ruleset(ROOTS / name)
        assert {i.id: i.provider for i in ruleset.leaves() if i.provider != "unit"} == {
            "二.2": "inspection", "二.5": "inspection", "二.9": "department", "二.13": "inspection"}


def test_extends_carries_provider_and_diff_shows_it(tmp_path):
    write(tmp_path / "parent", ruleset_text(ITEMS, ruleset_id="p"))
    child = load_ruleset(write(tmp_path, """\
        extends: parent/ruleset.yaml
        version: "2"
        item_changes:
          override:
            一.1: {provider: unit}
            一.3: {provider: null}
            二.1: {provider: department, department: 市委宣传部}
        """, "child.yaml"))
    assert [(i.id, i.provider, i.department) for i in child.leaves()] == [
        ("一.1", "unit", "市环保局、市住建委"), ("一.2", "department", "市住建委"),
        ("一.3", "department", "市环保局、市住建委"),  # its own provider removed: the section's again
        ("二.1", "department", "市委宣传部"), ("二.2", "unit", "市质监局")]
    parent = load_ruleset(tmp_path / "parent")
    assert [(c.kind, c.key, c.detail) for c in diff(parent, child) if c.section == "指标"] == [
        ("修改", "一.1", "填报方 牵头部门（市环保局、市住建委） → 单位"),
        ("修改", "一.3", "填报方 单位 → 牵头部门（市环保局、市住建委）"),
        ("修改", "二.1", "填报方 考核组 → 牵头部门（市委宣传部）"),
    ]
