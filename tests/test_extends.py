"""`extends`: next year's ruleset as this year's plus per-item override, removal and addition."""

import pytest

from kaohe.engine import KaoheError, load_ruleset
from tests.helpers import D, ruleset_text, write

PARENT = """\
facts:
  incidents: {title: 质量安全事件, kind: events, kinds: [区域性, 一般]}
items:
  - id: A
    title: 质量目标
    points: 60
    citation: {source: s, clause: 第四条, text: 质量目标}
    children:
      - {id: A.1, title: 合格率, points: 40, method: all_or_nothing}
      - {id: A.2, title: 满意度, points: 20, method: all_or_nothing}
  - {id: B, title: 质量措施, points: 40, method: judged, citation: {source: s, clause: 第四条, text: 质量措施}}
outcomes:
  - id: veto
    title: 区域性事件一票否决
    when: {fact: incidents, any_kind: [区域性]}
    then: {force_grade: D}
    citation: {source: s, clause: 第五条, text: 一律为D级}
"""

CHILD = """\
extends: parent/ruleset.yaml
version: "2"
status: draft
sources:
  - {id: s2, title: 新文件, document_number: 测发〔2015〕2号}
item_changes:
  remove: [A.2]
  override:
    A: {points: 50}
    A.1:
      points: 30
      method: levels
      levels: {全部合格: 30, 基本合格: 15, 不合格: 0}
  add:
    - under: A
      after: A.1
      item: {id: A.3, title: 采标率, points: 20, method: threshold, target: 90, unit: "%",
             citation: {source: s2, clause: 二, text: 采标率}}
    - item: {id: C, title: 新增项目, points: 10, method: all_or_nothing, citation: {source: s2, clause: 三, text: 新增}}
outcome_changes:
  remove: [veto]
  add:
    - id: late
      title: 迟报降级
      when: {fact: incidents, at_least: 2}
      then: {downgrade: 1}
      citation: {source: s2, clause: 四, text: 降一级}
"""


@pytest.fixture()
def pair(tmp_path):
    parent_path = write(tmp_path / "parent", ruleset_text(PARENT, ruleset_id="p"))
    child_path = write(tmp_path, CHILD, "child.yaml")
    return parent_path, child_path


def test_override_removal_and_addition(pair):
    parent_path, child_path = pair
    child = load_ruleset(child_path)
    assert [(i.id, i.points, i.method) for i in child.all_items()] == [
        ("A", D(50), ""), ("A.1", D(30), "levels"), ("A.3", D(20), "threshold"),
        ("B", D(40), "judged"), ("C", D(10), "all_or_nothing")]
    assert child.item("A.1").params.levels == (("全部合格", D(30)), ("基本合格", D(15)), ("不合格", D(0)))
    assert [o.id for o in child.outcomes] == ["late"]
    assert [s.id for s in child.sources] == ["s", "s2"]
    assert (child.id, child.version, child.status, child.extends) == ("p", "2", "draft", "p@1")


def test_inherited_and_overridden_values_keep_their_own_file_and_line(pair):
    parent_path, child_path = pair
    child = load_ruleset(child_path)
    assert (child.item("B").location.file, child.item("B").location.line) == (str(parent_path), 28)
    assert (child.item("A.3").location.file, child.item("A.3").location.line) == (str(child_path), 17)


def test_the_parent_is_not_modified(pair):
    parent_path, child_path = pair
    before = parent_path.read_bytes()
    load_ruleset(child_path)
    assert parent_path.read_bytes() == before
    assert [i.id for i in load_ruleset(parent_path).all_items()] == ["A", "A.1", "A.2", "B"]


def test_digest_covers_both_files(pair):
    parent_path, child_path = pair
    first = load_ruleset(child_path).digest
    parent_path.write_text(parent_path.read_text(encoding="utf-8").replace("质量措施", "质量措施落实"), encoding="utf-8")
    assert load_ruleset(child_path).digest != first


def test_changes_that_name_missing_items(pair, tmp_path):
    _, child_path = pair
    child_path.write_text(CHILD.replace("remove: [A.2]", "remove: [A.4]").replace("    A: {points: 50}", "    A: {points: 40}"),
                          encoding="utf-8")
    with pytest.raises(KaoheError) as caught:
        load_ruleset(child_path)
    # One pass: the misnamed removal, and what the new points break, each at the child's line that caused it
    assert str(caught.value).replace(str(tmp_path) + "/", "").splitlines() == [
        'child.yaml:7:12: 要删除的指标 "A.4" 在上一版细则中不存在',
        '  提示：是否应为 "A.2"、"A.1"？',
        "child.yaml:9:17: 下级指标分值之和为 70 分，与本项分值 40 分不一致（A「质量目标」）",
        "  提示：所指内容继承自 parent/ruleset.yaml:21，由这里的修改引起；本项分值写在 child.yaml:9；"
        "各下级指标的分值及写在何处：",
        "    A.1「合格率」 30分  child.yaml:11",
        "    A.3「采标率」 20分  child.yaml:17",
        "    A.2「满意度」 20分  parent/ruleset.yaml:27",
        "child.yaml:9:17: 顶层指标分值之和为 90 分，与满分 100 分不一致（scale）",
        "  提示：所指内容继承自 parent/ruleset.yaml:9，由这里的修改引起；各顶层指标（不含加分项、扣分项）的分值及写在何处：",
        "    A「质量目标」 40分  child.yaml:9",
        "    B「质量措施」 40分  parent/ruleset.yaml:28",
        "    C「新增项目」 10分  child.yaml:19",
    ]


def test_a_cycle_is_refused(tmp_path):
    write(tmp_path, "id: a\nextends: b.yaml\n", "a.yaml")
    write(tmp_path, "id: b\nextends: a.yaml\n", "b.yaml")
    with pytest.raises(KaoheError) as caught:
        load_ruleset(tmp_path / "a.yaml")
    assert str(caught.value).replace(str(tmp_path) + "/", "") == (
        "b.yaml:2:10: extends 形成了循环引用：a.yaml 就是本细则或其下级版本\n  提示：extends 应指向上一版细则的文件夹或文件")


def test_bundled_rulesets_extend_the_national_framework():
    from pathlib import Path
    root = Path(__file__).parent.parent / "rulesets"
    wenzhou = load_ruleset(root / "wenzhou-2014")
    assert wenzhou.extends == "national-2013@2013.1"
    assert [o.id for o in wenzhou.outcomes] == ["veto-regional-systemic", "veto-major-incident"]
    assert wenzhou.grading.bands[0].citation.clause == "第五条"
    assert wenzhou.note.startswith("重建稿")


# A chain of three: the grandparent's framework (PARENT with a second fact and rule), last year's ruleset, this
# year's draft.
LATE_FACT = "  late: {title: 迟报自评报告, kind: yes_no}\n"
GRANDPARENT = PARENT.replace("kinds: [区域性, 一般]}\n", "kinds: [区域性, 一般]}\n" + LATE_FACT) + """\
  - id: late
    title: 迟报的不得评为A级
    when: {fact: late, is: true}
    then: {exclude: A}
    citation: {source: s, clause: 第六条, text: 不得评为A级}
"""

LAST_YEAR = """\
extends: ../grand/ruleset.yaml
version: "2"
item_changes:
  override:
    A.1:
      method: brackets
      unit: "%"
      brackets: [{min: 95, points: 40}, {min: 90, points: 30}, {min: 0, points: 0}]
"""


@pytest.fixture()
def chain(tmp_path):
    write(tmp_path / "grand", ruleset_text(GRANDPARENT, ruleset_id="g"))
    write(tmp_path / "last", LAST_YEAR)

    def draft(text: str):
        path = write(tmp_path / "draft", "extends: ../last/ruleset.yaml\nversion: \"3\"\n" + text)
        try:
            load_ruleset(path)
        except KaoheError as error:
            return str(error).replace(str(tmp_path) + "/", "").splitlines()
        return []
    return draft


def test_facts_merge_by_name_like_sources(chain, tmp_path):
    assert chain("facts:\n  published: {title: 满意度测评结果已向社会公布, kind: yes_no}\n") == []
    draft = load_ruleset(tmp_path / "draft")
    assert [(f.name, f.title) for f in draft.facts] == [
        ("incidents", "质量安全事件"), ("late", "迟报自评报告"), ("published", "满意度测评结果已向社会公布")]
    # the same name replaces the inherited declaration (here: more kinds); the others stay
    assert chain("facts:\n  incidents: {title: 质量安全事件, kind: events, kinds: [区域性, 系统性, 一般]}\n") == []
    draft = load_ruleset(tmp_path / "draft")
    assert [(f.name, f.kinds) for f in draft.facts] == [("incidents", ("区域性", "系统性", "一般")), ("late", ())]


def test_a_fact_removed_by_the_child_is_reported_at_the_childs_line(chain):
    assert chain("facts:\n  late: null\n") == [
        'draft/ruleset.yaml:4:9: 结果规则读取的事实 "late" 未在 facts 中定义（late › when › fact）',
        "  提示：所指内容继承自 grand/ruleset.yaml:38，由这里的修改引起",
    ]


def test_a_redeclared_fact_that_breaks_an_inherited_rule_is_reported_at_the_childs_line(chain):
    assert chain("facts:\n  incidents: {title: 质量安全事件, kind: events, kinds: [重大, 一般]}\n") == [
        'draft/ruleset.yaml:4:14: 事件类型 "区域性" 未在事实 "incidents" 的 kinds 中声明（veto › when › any_kind）',
        "  提示：所指内容继承自 grand/ruleset.yaml:33，由这里的修改引起；已声明：重大、一般",
    ]


def test_points_changed_by_the_child_are_reported_at_the_childs_line_with_every_child_listed(chain):
    assert chain("item_changes:\n  override:\n    A.1: {points: 30}\n") == [
        "draft/ruleset.yaml:5:19: 档次得分 40 分超过本项分值 30 分（A.1「合格率」 › brackets[1] › points）",
        "  提示：所指内容继承自 last/ruleset.yaml:8，由这里的修改引起",
        "draft/ruleset.yaml:5:19: 下级指标分值之和为 50 分，与本项分值 60 分不一致（A「质量目标」）",
        "  提示：所指内容继承自 grand/ruleset.yaml:22，由这里的修改引起；本项分值写在 grand/ruleset.yaml:24；"
        "各下级指标的分值及写在何处：",
        "    A.1「合格率」 30分  draft/ruleset.yaml:5",
        "    A.2「满意度」 20分  grand/ruleset.yaml:28",
    ]


def test_a_problem_the_parent_has_on_its_own_stays_in_the_parents_file(chain, tmp_path):
    last = tmp_path / "last" / "ruleset.yaml"
    last.write_text(LAST_YEAR.replace("{min: 95, points: 40}", "{min: 95, points: 45}"), encoding="utf-8")
    expected = ["last/ruleset.yaml:8:36: 档次得分 45 分超过本项分值 40 分（A.1「合格率」 › brackets[1] › points）"]
    assert chain("title: 草案\n") == expected  # the draft did not cause it: it is fixed in last year's file


def test_a_problem_the_parent_caused_is_shown_where_the_parent_reports_it(chain, tmp_path):
    last = tmp_path / "last" / "ruleset.yaml"
    last.write_text(LAST_YEAR + "    A.2: {points: 10}\n", encoding="utf-8")
    assert chain("title: 草案\n")[0] == (
        "last/ruleset.yaml:9:19: 下级指标分值之和为 50 分，与本项分值 60 分不一致（A「质量目标」）")
