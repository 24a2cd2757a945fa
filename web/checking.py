"""The self-check of a unit's upload, as its page shows it: the engine reads the file and runs `self_check`
against the round's frozen ruleset; nothing is recorded. Values the unit filled for items others give are set
aside exactly as a submission sets them aside (kaohe.round.actions), so the page shows what 报送 will record.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from kaohe.engine import KaoheError, Location, Problem, Ruleset, evidence_from_data, format_points
from kaohe.engine.evidence import WORKBOOK_SUFFIXES
from kaohe.engine.loading import read_document
from kaohe.engine.model import PROVIDERS
from kaohe.engine.render.check import unscored_line
from kaohe.engine.selfcheck import SelfCheck, self_check
from kaohe.round.actions import drop_others as set_aside_others  # the submission's own rule, not a copy
from kaohe.round.models import Round
from kaohe.round.state import last_year_targets, leaf, ruleset_of

from .uploads import Pending


@dataclass(frozen=True)
class ProblemRow:
    place: str  # 填报 › F6, 第11行第12列
    item: str  # 一.1 制造业产品质量合格率
    message: str
    hint: str = ""


@dataclass(frozen=True)
class Line:
    item: str
    text: str


@dataclass
class UploadCheck:
    name: str
    digest: str
    problems: list[ProblemRow] = field(default_factory=list)
    report: SelfCheck | None = None
    set_aside: list[str] = field(default_factory=list)
    missing: list[Line] = field(default_factory=list)  # values, facts and 佐证材料 the unit still owes
    pending: list[Line] = field(default_factory=list)  # inspection groups' and departments' items
    pending_points: str = ""
    differences: list[Line] = field(default_factory=list)
    headroom: list[Line] = field(default_factory=list)
    next_grade: str = ""
    cohort: str = ""

    @property
    def ready(self) -> bool:
        return not self.problems and self.report is not None and self.report.ready

    @property
    def verdict(self) -> str:
        if self.problems:
            return f"还不能报送：材料中有{len(self.problems)}处错误，请改正后重新上传"
        return self.report.verdict()

    @property
    def total(self) -> str:
        return format_points(self.report.result.total) if self.report else ""

    @property
    def grade(self) -> str:
        return self.report.result.grade if self.report else ""

    @property
    def grade_reason(self) -> str:
        return self.report.result.grade_reason if self.report else ""


def _item_text(ruleset: Ruleset, location: Location) -> str:
    named = re.search(r"指标 (\S+?)「", location.path)  # the engine names an item 指标 一.1「title」 in its paths
    for part in [named.group(1)] if named else location.path.split(" › "):
        item = leaf(ruleset, part.strip())
        if item is not None:
            return f"{item.id} {item.title}"
    return ""


def _place(location: Location) -> str:
    if location.cell:
        return f"{location.sheet} › {location.cell}"
    if location.sheet:
        return location.sheet
    if location.line:
        return f"第{location.line}行第{location.column}列"
    return ""


def problem_rows(ruleset: Ruleset, problems: list[Problem], private: str) -> list[ProblemRow]:
    """Each problem with its place and item; the private folder's path never reaches the page."""
    def clean(text: str) -> str:
        return text.replace(private, "")
    return [ProblemRow(_place(p.location), _item_text(ruleset, p.location), clean(p.message), clean(p.hint))
            for p in problems]


def _read(pending: Pending, ruleset: Ruleset):
    if pending.path.suffix.lower() in WORKBOOK_SUFFIXES:
        from kaohe.engine.evidence import read_filled_workbook
        return read_filled_workbook(pending.path, ruleset)
    return read_document(pending.path)


def check_upload(round_: Round, unit: str, pending: Pending) -> UploadCheck:
    ruleset = ruleset_of(round_)
    checked = UploadCheck(pending.name, pending.digest)
    private = str(pending.path.parent) + "/"
    try:
        data, digest = _read(pending, ruleset)
        named = data.get("unit") if isinstance(data, dict) else None
        if isinstance(named, str) and named.strip() and named.strip() != unit:
            checked.problems.append(ProblemRow("", "", f"材料填写的被考核单位是“{named.strip()}”，不是本单位“{unit}”",
                                               "请上传本单位的填报表（在本页下载）"))
            return checked
        checked.set_aside = set_aside_others(data, ruleset)
        for item_id, target in last_year_targets(round_, [unit]).get(unit, {}).items():
            if isinstance(data, dict):  # as 报送 will: last year's value comes from the previous round
                data.setdefault("targets", {})[item_id] = target
        evidence = evidence_from_data(data, ruleset, pending.name, digest)
    except KaoheError as error:
        checked.problems = problem_rows(ruleset, error.problems, private)
        return checked
    _describe(checked, ruleset, self_check(ruleset, evidence))
    return checked


def _describe(checked: UploadCheck, ruleset: Ruleset, report: SelfCheck) -> None:
    checked.report = report
    facts = {spec.name: spec.title for spec in ruleset.facts}
    checked.missing = (
        [Line(f"{x.item.id} {x.item.title}", f"缺少填报值：{x.reason}") for x in report.missing_values]
        + [Line(facts.get(name, name), "缺少事实（没有也要写明，例如没有事件填“无”）") for name in report.missing_facts]
        + [Line(f"{x.item.id} {x.item.title}", f"缺少佐证材料：需提交 {'、'.join(x.item.materials)}")
           for x in report.missing_files])
    for x in report.pending:
        who = PROVIDERS[x.item.provider] + (f"（{x.item.department}）" if x.item.provider == "department" else "")
        checked.pending.append(Line(f"{x.item.id} {x.item.title}", f"待{who}评定，{format_points(x.item.points)}分"))
    if report.pending:
        checked.pending_points = format_points(report.pending_points)
    checked.differences = [Line(f"{d.item.item.id} {d.item.item.title}",
                                f"自评{format_points(d.self_score)}分，按细则计{format_points(d.item.score)}分 —— "
                                f"{d.item.reason}") for d in report.differences]
    if report.next_grade:
        n = report.next_grade
        checked.next_grade = f"升到{n.grade}：{n.threshold}，还差{format_points(n.needed)}分。" + unscored_line(report)
        checked.headroom = [Line(f"{h.item.item.id} {h.item.item.title}",
                                 f"还可增加{format_points(h.points)}分（现{format_points(h.item.score)}/"
                                 f"{format_points(h.item.item.points)}）—— {h.item.reason}")
                            for h in report.headroom if h.points > Decimal(0)]
    elif report.blocked:
        checked.next_grade = f"等次：{report.blocked}。"
    if report.cohort_items:
        checked.cohort = (f"{'、'.join(x.item.id for x in report.cohort_items)} 按名次计分，须与其他单位一起排名；"
                          "自查时按第1名计，实际得分可能更低。")
