"""A synthetic ruleset (every scoring method, every outcome rule kind) and random evidence for it.

Used by the benchmark and by the batch and property tests. The ruleset is
written as YAML and loaded through the normal loader, so it is checked like
any other; evidence is built as data with Decimal values and checked by
`evidence_from_data`, so thousands of units load quickly.
"""
from __future__ import annotations

import random
from decimal import Decimal
from pathlib import Path

from kaohe.engine import Ruleset, evidence_from_data, load_ruleset

METHOD_CYCLE = ("all_or_nothing", "levels", "parts", "deduct_per", "add_per", "threshold", "deduct_below_target",
                "base_step", "brackets", "rank", "judged")
LEAF_POINTS = 8

_PARAMS = {
    "all_or_nothing": "",
    "levels": "levels: {高: 8, 中: 4.5, 低: 0}",
    "parts": "parts: {甲: 3, 乙: 3, 丙: 2}",
    "deduct_per": "per: 0.5",
    "add_per": "per: 2",
    "threshold": "target: 90\n  unit: '%'",
    "deduct_below_target": "target: 95\n  unit: '%'\n  per: 1",
    "base_step": "target: 10\n  unit: '%'\n  base: 4\n  step: 1\n  up: 0.5\n  down: 1\n  partial: proportional",
    "brackets": "unit: 万元\n  range: [0, null]\n  brackets: [{min: 10, points: 8}, {min: 5, points: 4}, {min: 1, points: 2}]",
    "rank": "per: 0.002\n  range: [0, null]",
    "judged": "step: 0.5",
}


def ruleset_yaml(sections: int = 5, per_section: int = 25, units: int = 3000) -> str:
    """A ruleset of sections × per_section leaves of 8 points each, plus a bonus section."""
    scale = sections * per_section * LEAF_POINTS
    cite = "citation: {source: synthetic, clause: 第一条, text: 合成细则，仅用于测试与基准。}"
    lines = [
        "id: synthetic", "title: 合成细则（测试与基准用）", "version: '1'", "status: draft", "issuer: 测试",
        "level: 测试单位", f"units: [{', '.join(unit_name(i) for i in range(units))}]",
        "period: {start: 2014-01-01, end: 2014-12-31}",
        "sources: [{id: synthetic, title: 合成细则}]", f"scale: {scale}", "bonus_cap: 15",
        "grading:", "  " + cite, "  rounding: {step: 0.5, mode: half_up}", "  bands:",
        f"    - {{label: A, min: {scale * 9 // 10}}}", f"    - {{label: B, min: {scale * 8 // 10}}}",
        f"    - {{label: C, min: {scale * 6 // 10}}}", "    - {label: D}",
        "facts:",
        "  incidents: {title: 质量安全事件, kind: events, kinds: [区域性, 系统性, 一般]}",
        "  late_report: {title: 迟报自评报告, kind: yes_no}",
        "  complaints: {title: 被实名投诉查实次数, kind: count}",
        "items:",
    ]
    for s in range(sections):
        lines += [f"- id: S{s + 1}", f"  title: 第{s + 1}部分", f"  points: {per_section * LEAF_POINTS}", f"  {cite}",
                  "  children:"]
        for i in range(per_section):
            method = METHOD_CYCLE[(s * per_section + i) % len(METHOD_CYCLE)]
            body = [f"id: S{s + 1}.{i + 1}", f"title: 指标{s + 1}.{i + 1}", f"points: {LEAF_POINTS}", f"method: {method}"]
            body += [p for p in _PARAMS[method].split("\n") if p]
            lines += ["  - " + body[0]] + ["    " + b.strip() for b in body[1:]]
    lines += ["- id: B", "  title: 加分项", "  points: 20", "  bonus: true", f"  {cite}", "  children:",
              "  - id: B.1", "    title: 荣誉", "    points: 10", "    method: add_per", "    per: 2",
              "  - id: B.2", "    title: 创新", "    points: 10", "    method: add_per", "    per: 5"]
    lines += [
        "outcomes:",
        "- id: veto", "  title: 区域性、系统性事件一票否决", "  when: {fact: incidents, any_kind: [区域性, 系统性]}",
        "  then: {force_grade: D}", f"  {cite}",
        "- id: late", "  title: 迟报降一级", "  when: {fact: late_report, is: true}", "  then: {downgrade: 1}", f"  {cite}",
        "- id: complaints", "  title: 投诉查实3次以上最高为B", "  when: {fact: complaints, at_least: 3}",
        "  then: {cap_grade: B}", f"  {cite}",
        "- id: key", "  title: 关键项未达六成降一级", "  when: {key_items: [S1.1, S1.2, S1.6], min_share: 0.6}",
        "  then: {downgrade: 1}", f"  {cite}",
    ]
    return "\n".join(lines) + "\n"


def unit_name(index: int) -> str:
    return f"单位{index + 1:04d}"


def write_ruleset(folder: Path, **shape) -> Ruleset:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "ruleset.yaml"
    path.write_text(ruleset_yaml(**shape), encoding="utf-8")
    return load_ruleset(path)


def random_value(item, rng: random.Random):
    method = item.method
    d = lambda x: Decimal(str(x))  # noqa: E731
    if method == "all_or_nothing":
        return rng.random() < 0.9
    if method == "levels":
        return rng.choice(item.params.names())
    if method == "parts":
        return [name for name in item.params.names() if rng.random() < 0.85]
    if method in ("deduct_per", "add_per"):
        return d(rng.choice([0, 0, 0, 1, 1, 2, 3, 5, 20]))
    if method in ("threshold", "deduct_below_target", "base_step"):
        return d(rng.randint(880, 1000) / 10)
    if method == "brackets":
        return d(rng.randint(30, 150) / 10)
    if method == "rank":
        return d(rng.randint(0, 50))
    if method == "judged":
        return {"score": d(rng.randint(int(item.points), int(item.points * 2)) / 2), "reason": "现场核查"}
    raise ValueError(method)


def random_evidence_data(ruleset: Ruleset, index: int, seed: int = 0) -> dict:
    rng = random.Random(seed * 1_000_003 + index)
    incidents = []
    if rng.random() < 0.03:
        incidents.append({"kind": rng.choice(["区域性", "系统性", "一般"]), "date": "2014-05-01"})
    return {
        "unit": unit_name(index), "ruleset": ruleset.id,
        "values": {leaf.id: random_value(leaf, rng) for leaf in ruleset.leaves()},
        "facts": {"incidents": incidents, "late_report": rng.random() < 0.05,
                  "complaints": Decimal(rng.choice([0, 0, 0, 1, 3]))},
    }


def random_batch(ruleset: Ruleset, units: int, seed: int = 0):
    return [evidence_from_data(random_evidence_data(ruleset, i, seed), ruleset, f"{unit_name(i)}.yaml", "")
            for i in range(units)]
