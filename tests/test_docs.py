"""The reference page and the help texts: every method is documented, and its example runs as written.

Two example formats run here. A method's example (section 评分方法): a ```yaml block `# 细则` (the item's fields, or
`facts:` and `item:` when the item reads events), a block `# 填报` (`value:`, `facts:` or `batch:`) and the line
`> 结果：X 分 —— reason`. An excerpt example (each pattern of 常见条文的写法, and the chapters 满分与定级 and
事实与结果规则): a block `# 细则（节选）` (`facts:`, `items:`, `outcomes:`, optionally `scale:`, `bonus_cap:`,
`rescale:`, and `id:`, `units:`, `grading:` in place of the test header's; items, outcome rules and grading without a
citation get one), a block `# 填报` (`values:`, `facts:`, `targets:`, `history:` of one unit, 甲县; or `batch:`, unit →
those) and lines `> 结果：<item> <score> 分 —— reason` (or `未能评分`, `不适用` in place of the score),
`> 总分：<total> 分，等次 <grade>`, `> 触发：<rule id> —— what fired it`, `> 定级：<grade reason>` (without the
citation the test gave the rules), `> 后果：<consequences, joined by ；>`, `> 提醒：<a warning on the evidence>`,
each led by the unit's name in a batch; or the one line `> 错误：<message>` when the engine refuses the 填报 (the
message of one of its problems). A 填报 whose heading says `写入 <folder>/results.json` writes its results there as
`kaohe score -o <folder>` does, for later examples of the same section to read (`from_results`); their reasons
quote the file's digest, which changes with the results format.
"""
import re
from pathlib import Path

import pytest
import yaml

from kaohe.cli.main import cli
from kaohe.engine import KaoheError, evaluate, evidence_from_text, load_ruleset
from kaohe.engine.methods import METHODS
from kaohe.engine.render.outputs import write_outputs
from tests.helpers import UNITS, D, ruleset_text, write

REFERENCE = (Path(__file__).parent.parent / "rulesets" / "REFERENCE.md").read_text(encoding="utf-8")


def chapter(title: str) -> str:
    """The text of one `## title` section, up to the next `## `."""
    parts = REFERENCE.split(f"\n## {title}\n", 1)
    return parts[1].split("\n## ", 1)[0] + "\n" if len(parts) == 2 else ""


def subsections(text: str) -> dict[str, str]:
    return dict(re.findall(r"^### ([^\n]+)\n(.*?)(?=^### |\Z)", text, flags=re.M | re.S))


SECTIONS = subsections(chapter("评分方法"))
PATTERNS = subsections(chapter("常见条文的写法"))
CITATION = {"source": "s", "clause": "第二条", "text": "测试条款"}


def test_every_method_has_a_reference_section():
    assert sorted(SECTIONS) == sorted(METHODS)


def dump(data) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)


EXAMPLE = re.compile(r"```yaml\n# 细则\n(.*?)```\n```yaml\n# 填报[^\n]*\n(.*?)```\n> 结果：(\S+) 分 —— ([^\n]+)$",
                     flags=re.M | re.S)
EXAMPLES = [(method, number, *found) for method in sorted(SECTIONS)
            for number, found in enumerate(EXAMPLE.findall(SECTIONS[method]), start=1)]


def test_every_method_section_has_an_example():
    assert {method for method, *_ in EXAMPLES} == set(METHODS)


def method_ruleset(folder: Path, rule: dict):
    """The ruleset of a method's example: its only item X, and the facts the item reads (`facts:` beside `item:`)."""
    facts = {}
    if "item" in rule:
        facts, rule = rule.pop("facts", {}), rule.pop("item")
    points = rule["points"]
    item = {"id": "X", "title": "测试项", "points": points, "citation": CITATION, **rule}
    body = dump({"facts": facts, "items": [item]} if facts else {"items": [item]})
    return load_ruleset(write(folder, ruleset_text(body, scale=str(points))))


def evidence(ruleset, filled: dict, unit: str = "甲县"):
    """One unit's evidence written as YAML and read by the engine, as a unit's file in the current folder would be."""
    return evidence_from_text(dump({"unit": unit, "ruleset": ruleset.id, "values": {}, **filled}), ruleset,
                              f"{unit}.yaml", folder=Path.cwd())


@pytest.mark.parametrize(("method", "number", "rule", "filled", "score", "reason"), EXAMPLES,
                         ids=[f"{method}-{number}" for method, number, *_ in EXAMPLES])
def test_reference_example_runs_as_written(tmp_path, method, number, rule, filled, score, reason):
    """Every example of every method's section: the 细则 and 填报 blocks give the 结果 line beneath them."""
    rule, filled = yaml.safe_load(rule), yaml.safe_load(filled)
    ruleset = method_ruleset(tmp_path, rule)
    if "batch" in filled:
        batch = [evidence(ruleset, {"values": {"X": value}}, UNITS[i]) for i, value in enumerate(filled["batch"])]
        result = evaluate(ruleset, batch)[1].items[0]
    else:
        given = {"values": {"X": filled.pop("value")}} if "value" in filled else {}
        result = evaluate(ruleset, [evidence(ruleset, {**given, **filled})])[0].items[0]
    assert (result.score, result.reason) == (D(score), reason)


PATTERN_EXAMPLE = re.compile(r"```yaml\n# 细则（节选）[^\n]*\n(.*?)```\n```yaml\n# 填报([^\n]*)\n(.*?)```\n"
                             r"((?:>[^\n]*(?:\n|\Z))+)", flags=re.S)
# Sections whose examples run: each pattern of 常见条文的写法, and the chapters 满分与定级 and 事实与结果规则 as wholes.
RUN = {**PATTERNS, **{title: chapter(title) for title in ("满分与定级", "事实与结果规则")}}
PATTERN_EXAMPLES = [(title, number, *found) for title in RUN
                    for number, found in enumerate(PATTERN_EXAMPLE.findall(RUN[title]), start=1)]
LINE = re.compile(r"(?:([^\s：]+) )?(结果|总分|触发|定级|后果|提醒|错误)：(.+)")
ITEM_LINE = re.compile(r"(\S+) (?:(-?[\d.]+) 分|(未能评分)|(不适用)) —— (.+)")
TOTAL_LINE = re.compile(r"(-?[\d.]+) 分，等次 (\S+)")
FIRED_LINE = re.compile(r"(\S+) —— (.+)")
WRITES = re.compile(r"写入 (\S+/results\.json)")


def test_every_pattern_has_an_example():
    assert PATTERNS, "REFERENCE.md has no section 常见条文的写法"
    assert {title for title, *_ in PATTERN_EXAMPLES} >= set(PATTERNS)


def excerpt_ruleset(folder: Path, excerpt: dict):
    """The ruleset of an excerpt: the test header around it (the excerpt's own `id`, `units`, `grading`, `rescale`,
    `bonus_cap` … replace the header's); the scale is what its top-level items add up to unless it says `scale`."""
    for entry in excerpt.get("items", []) + excerpt.get("outcomes", []):
        entry.setdefault("citation", CITATION)
    if "grading" in excerpt:
        excerpt["grading"].setdefault("citation", CITATION)
    scale = excerpt.pop("scale", None)
    if scale is None:
        scale = sum(D(i["points"]) for i in excerpt["items"] if not i.get("bonus") and not i.get("penalty"))
    ruleset = yaml.safe_load(ruleset_text("", scale=str(scale))) | excerpt
    return load_ruleset(write(folder, dump(ruleset)))


def run_example(folder: Path, excerpt: str, heading: str, filled: str):
    """Score the 填报 (one unit, 甲县, or each unit of `batch:`); where its heading says the results are 写入 a
    results.json, write them there as `kaohe score -o` does. Returns the ruleset, the units' evidence, their results."""
    ruleset = excerpt_ruleset(folder, yaml.safe_load(excerpt))
    filled = yaml.safe_load(filled) or {}
    units = filled.pop("batch") if "batch" in filled else {"甲县": filled}
    batch = [evidence(ruleset, data or {}, unit) for unit, data in units.items()]
    results = evaluate(ruleset, batch)
    if written := WRITES.search(heading):
        write_outputs(ruleset, results, Path(written.group(1)).parent)
    return ruleset, batch, results


def given_citation(ruleset) -> str:
    """How the grade reason names the citation the harness gave the excerpt's outcome rules: left out of the 定级
    lines, as citations are left out of the excerpts."""
    cited = next((rule.citation for rule in ruleset.outcomes
                  if (rule.citation.source, rule.citation.clause, rule.citation.text) == tuple(CITATION.values())), None)
    return f"（依据：{ruleset.cite(cited)}）" if cited else ""


@pytest.mark.parametrize(("title", "number", "excerpt", "heading", "filled", "said"), PATTERN_EXAMPLES,
                         ids=[f"{title}-{number}" for title, number, *_ in PATTERN_EXAMPLES])
def test_pattern_example_runs_as_written(tmp_path, monkeypatch, title, number, excerpt, heading, filled, said):
    """Every example of section 常见条文的写法 (and of 满分与定级, 事实与结果规则): each line beneath it holds for the unit
    that filed the 填报 (or for the unit the line names, in a batch). Earlier examples of the same section that write
    a results.json run first, in the same folder, so that this one can read it."""
    monkeypatch.chdir(tmp_path)
    for other, earlier, rule, writes, data, _ in PATTERN_EXAMPLES:
        if other == title and earlier < number and WRITES.search(writes):
            run_example(tmp_path / f"细则{earlier}", rule, writes, data)
    lines = [LINE.fullmatch(line.removeprefix(">").strip()) for line in said.splitlines()
             if line.removeprefix(">").strip()]
    assert lines and all(lines), f"not a result line in: {said}"
    if lines[0].group(2) == "错误":
        assert len(lines) == 1, "an example the engine refuses says only its error"
        ruleset = excerpt_ruleset(tmp_path, yaml.safe_load(excerpt))
        with pytest.raises(KaoheError) as caught:
            evidence(ruleset, yaml.safe_load(filled) or {})
        assert lines[0].group(3) in [p.message for p in caught.value.problems]
        return
    ruleset, batch, results = run_example(tmp_path / f"细则{number}", excerpt, heading, filled)
    by_unit = {r.unit: (r, e) for r, e in zip(results, batch, strict=True)}
    for line in lines:
        unit, kind, text = line.groups()
        assert (unit is None) == (len(results) == 1), f"in a batch each line names its unit: {line.group(0)}"
        result, filed = by_unit[unit or "甲县"]
        if kind == "结果":
            item_id, score, unscored, unapplied, reason = ITEM_LINE.fullmatch(text).groups()
            got = {r.item.id: r for r in result.all_items()}[item_id]
            assert (got.score, got.not_applicable, got.reason) == (
                None if unscored or unapplied else D(score), bool(unapplied), reason), line.group(0)
        elif kind == "总分":
            total, grade = TOTAL_LINE.fullmatch(text).groups()
            assert (result.total, result.grade) == (D(total), grade), line.group(0)
        elif kind == "触发":
            rule_id, detail = FIRED_LINE.fullmatch(text).groups()
            assert [f.detail for f in result.fired if f.rule.id == rule_id] == [detail], line.group(0)
        elif kind == "定级":
            omitted = given_citation(ruleset)
            assert (result.grade_reason.replace(omitted, "") if omitted else result.grade_reason) == text, line.group(0)
        elif kind == "后果":
            assert "；".join(f.rule.consequence for f in result.consequences) == text, line.group(0)
        elif kind == "提醒":
            assert text in [w.message for w in filed.warnings], line.group(0)
        else:
            pytest.fail(f"an error line among results: {line.group(0)}")


@pytest.mark.parametrize("verb", sorted(cli.commands))
def test_every_verb_has_help_with_an_example(verb):
    from click.testing import CliRunner
    result = CliRunner().invoke(cli, [verb, "--help"])
    assert result.exit_code == 0
    assert "示例：" in result.stdout


def test_readme_names_every_verb_and_exit_code():
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    for verb in cli.commands:
        assert f"kaohe {verb}" in readme
    for code in ("0", "1", "2", "3"):
        assert f"| {code} |" in readme


def test_the_provider_example_loads_as_documented(tmp_path):
    section = REFERENCE.split("## 谁给值：provider\n", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```yaml\n(.*?)```", section, flags=re.S).group(1).replace("source: wzb-2014-98", "source: s")
    ruleset = load_ruleset(write(tmp_path, ruleset_text(block)))
    said = re.search(r"^> 结果：(.+)$", section, flags=re.M).group(1)
    assert "，".join(f"{leaf.id} " + ("由单位自填" if leaf.provider == "unit" else f"由{leaf.provider_label}评定")
                    for leaf in ruleset.leaves()) == said


def test_the_facts_and_outcome_rules_load_as_documented(tmp_path):
    """Section 事实与结果规则: its facts (event attributes too) and outcome rules (where, scope) load together."""
    blocks = re.findall(r"```yaml\n(.*?)```", chapter("事实与结果规则"), flags=re.S)
    facts, outcomes = blocks[0], next(b for b in blocks if b.startswith("outcomes:"))
    citation = "{source: s, clause: 第五条, text: 测试条款}"
    outcomes = re.sub(r"citation: \{[^}]*\}", f"citation: {citation}", outcomes)
    items = f"""\
items:
  - id: 一
    title: 质量目标完成情况
    points: 40
    citation: {citation}
    children: [{{id: 一.1, title: 合格率, points: 40, method: all_or_nothing}}]
  - {{id: 二, title: 质量措施落实情况, points: 60, method: judged, citation: {citation}}}
"""
    ruleset = load_ruleset(write(tmp_path, ruleset_text(facts + items + outcomes)))
    assert [rule.id for rule in ruleset.outcomes] == re.findall(r"^  - id: (\S+)", outcomes, flags=re.M)
    assert [a.name for a in next(f for f in ruleset.facts if f.name == "accidents").attributes] == [
        "deaths", "responsible", "sector"]
