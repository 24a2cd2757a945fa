"""Ruleset test cases kept as data next to each ruleset: evidence → expected item scores, total, grade.

    rulesets/<id>/cases/*.yaml
    - name: 鹿城区样例：总分正好90分，定为A
      evidence: ../samples/01-鹿城区.yaml     # a file, relative to the case file, or the evidence written inline
      batch: ../samples                      # optional: score it with these units (rank items, rank grades)
      expect:
        total: 90
        grade: A
        items: {一.7: 2, 二.5: 2.5}          # an item expected unscored is written null
        fired: []                            # outcome rule ids
        unscored: []

Run by `kaohe test RULESET` and collected by pytest (conftest.py), failing with expected vs. got per item.
"""
from __future__ import annotations

import errno
import hashlib
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path

from .errors import KaoheError, Location, Problem
from .evaluate import evaluate
from .evidence import evidence_from_data, load_evidence
from .fields import Fields, describe, strict_problems
from .loading import location_of, read_document
from .model import Ruleset, UnitResult, format_points

EVIDENCE_SUFFIXES = (".yaml", ".yml", ".json", ".xlsx", ".xlsm")  # as `kaohe score` reads a folder


@dataclass(frozen=True)
class Case:
    name: str
    location: Location
    evidence: Path | dict
    batch: Path | None
    expect: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Outcome:
    case: Case
    failures: tuple[str, ...]  # expected vs got, one line each

    @property
    def passed(self) -> bool:
        return not self.failures


def case_files(ruleset_path: Path) -> list[Path]:
    folder = (ruleset_path if ruleset_path.is_dir() else ruleset_path.parent) / "cases"
    return sorted(folder.glob("*.yaml")) if folder.is_dir() else []


def load_cases(path: Path) -> list[Case]:
    """Read and check one case file; every problem is reported at once, each at file:line:column."""
    data, _ = read_document(path)
    problems = strict_problems()
    if not isinstance(data, list):
        raise KaoheError([Problem(location_of(data, fallback=Location(str(path), 1, 1)),
                                  f"用例文件应为用例的列表（每项以 - name: 开头），实际为{describe(data)}")])
    cases = []
    for index, raw in enumerate(data):
        f = Fields(raw, f"第{index + 1}个用例", problems, at=location_of(data, index))
        name = f.text("name")
        f.path = name or f.path
        evidence = _evidence(f, path)
        batch = _batch(f, path)
        expect = _expect(f)
        f.done()
        if f.ok and evidence is not None:
            cases.append(Case(name, location_of(data, index).at(name), evidence, batch, expect))
    problems.raise_if_any()
    return cases


def _evidence(f: Fields, path: Path) -> Path | dict | None:
    """A file relative to the case file, or evidence written inline; None when wrong (reported)."""
    raw = f.raw("evidence", what="材料文件的路径或直接写出的材料")
    if isinstance(raw, dict):
        return raw
    if isinstance(raw, str) and raw.strip():
        file, kind = _look(path.parent, raw)
        if kind == "file":
            return file
        if kind == "folder":
            f.problems.add(f.where("evidence"), f"材料应为一个文件，{_shown(raw)} 是文件夹",
                           "几个单位一同评分（名次项）时，把文件夹写在 batch 中")
        elif kind == "missing":
            f.problems.add(f.where("evidence"), f"材料文件 {_shown(raw)} 不存在（{_shown(str(file))}）",
                           "路径相对于用例文件所在的文件夹")
        else:
            f.problems.add(f.where("evidence"), f"材料文件 {_shown(raw)} {kind}")
    elif raw is not None:
        f.problems.add(f.where("evidence"), f"evidence 应为材料文件的路径（相对于用例文件）或直接写出的材料，"
                                            f"实际为{describe(raw)}")
    return None


def _batch(f: Fields, path: Path) -> Path | None:
    raw = f.text("batch", "")
    if not raw:
        return None
    folder, kind = _look(path.parent, raw)
    if kind == "folder":
        return folder
    found = {"file": "是文件", "missing": "不存在"}.get(kind, kind)
    f.problems.add(f.where("batch"), f"batch 应为一同评分的材料所在的文件夹，{_shown(raw)} {found}"
                                     f"（{_shown(str(folder))}）", "路径相对于用例文件所在的文件夹")
    return None


def _look(base: Path, written: str) -> tuple[Path, str]:
    """The path a case names (relative to its case file) and what is there: file, folder, missing,
    or why it cannot be looked at (a name too long, a symbolic link loop)."""
    place = base / written
    try:
        place = place.resolve()
        return place, "folder" if place.is_dir() else "file" if place.exists() else "missing"
    except OSError as error:
        return place, f"无法访问：{_OS_REASONS.get(error.errno, error.strerror)}"
    except RuntimeError:  # Path.resolve on a symbolic link loop
        return place, f"无法访问：{_OS_REASONS[errno.ELOOP]}"
    except ValueError:  # a NUL character
        return place, "无法访问：路径中有不允许的字符"


_OS_REASONS = {errno.ENAMETOOLONG: "文件名过长", errno.ELOOP: "符号链接形成了循环", errno.EACCES: "没有权限",
               errno.EPERM: "没有权限", errno.ENOTDIR: "路径中有一段是文件而不是文件夹"}


def _shown(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def _expect(f: Fields) -> dict:
    """The expectations, each checked for its type: numbers for scores, text for a grade and ids."""
    e = f.nested("expect", f"{f.path} › expect")
    expect: dict = {}
    if e.has("total"):
        expect["total"] = e.decimal("total")
    if e.has("grade"):
        expect["grade"] = e.text("grade")
    if e.has("items"):
        table = e.mapping("items") or {}
        expect["items"] = {}
        for item_id, wanted in table.items():
            if wanted is None or (isinstance(wanted, Decimal) and not isinstance(wanted, bool)):
                expect["items"][item_id] = wanted
            else:
                e.problems.add(location_of(table, item_id, e.where("items")).at(f"{e.path} › items › {item_id}"),
                               f"指标 {item_id} 的期望得分应为数字（未能评分写 null），实际为{describe(wanted)}")
    for key in ("fired", "unscored"):
        if e.has(key):
            expect[key] = list(e.texts(key))
    e.done(allowed_extra=("total", "grade", "items", "fired", "unscored"))
    return expect


def run_case(ruleset: Ruleset, case: Case) -> Outcome:
    if isinstance(case.evidence, dict):
        text = repr(sorted(case.evidence.items())).encode()
        try:
            evidence = evidence_from_data(case.evidence, ruleset, f"{case.location.file}:{case.location.line}",
                                          hashlib.sha256(text).hexdigest(), folder=Path(case.location.file).parent)
        except KaoheError as error:  # say which case's evidence it is
            raise KaoheError(replace(p, location=p.location.at(" › ".join(filter(None, (
                case.name, "evidence", p.location.path))))) for p in error.problems) from None
    else:
        evidence = load_evidence(case.evidence, ruleset)
    batch = [evidence]
    if case.batch is not None:
        try:
            others = sorted(p for p in case.batch.iterdir()
                            if p.suffix.lower() in EVIDENCE_SUFFIXES and not p.name.startswith((".", "~$")))
        except OSError as error:
            raise KaoheError([Problem(case.location.at(f"{case.name} › batch"),
                                      f"无法读取文件夹 {case.batch}：{error.strerror}")]) from None
        batch += [e for e in (load_evidence(p, ruleset) for p in others) if e.unit != evidence.unit]
    result = evaluate(ruleset, batch)[0]
    return Outcome(case, tuple(_compare(case.expect, result, ruleset.grading.labels)))


def _points(value) -> str:
    return "未评分" if value is None else format_points(Decimal(value))


def _compare(expect: dict, result: UnitResult, labels: tuple[str, ...]) -> list[str]:
    failures = []
    if "total" in expect and expect["total"] != result.total:
        failures.append(f"总分：期望 {_points(expect['total'])}，实际 {_points(result.total)}")
    if "grade" in expect and expect["grade"] not in labels:
        failures.append(f"等次：期望 {expect['grade']}，但细则中没有这个等次（有：{'、'.join(labels)}），"
                        f"实际 {result.grade}")
    elif "grade" in expect and expect["grade"] != result.grade:
        failures.append(f"等次：期望 {expect['grade']}，实际 {result.grade}（{result.grade_reason}）")
    scores = {r.item.id: r for r in result.all_items()}
    for item_id, wanted in (expect.get("items") or {}).items():
        got = scores.get(item_id)
        if got is None:
            failures.append(f"{item_id}：细则中没有这个指标")
        elif wanted != got.score:
            failures.append(f"{item_id}：期望 {_points(wanted)}，实际 {_points(got.score)}（{got.reason}）")
    if "fired" in expect and expect["fired"] != [f.rule.id for f in result.fired]:
        failures.append(f"触发的结果规则：期望 {expect['fired']}，实际 {[f.rule.id for f in result.fired]}")
    if "unscored" in expect and expect["unscored"] != list(result.unscored):
        failures.append(f"未能评分：期望 {expect['unscored']}，实际 {list(result.unscored)}")
    return failures
