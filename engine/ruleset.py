"""Build a `Ruleset` from its YAML (after `extends` is resolved), checking it as it goes.

Every problem is collected and reported at once, each with file:line:column and
the item path. Coherence that goes beyond structure (points add up, citations
name declared sources, labels exist) is checked here too: an incoherent ruleset
must never score anybody.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Callable

from .errors import KaoheError, Location, Problem, Problems, did_you_mean
from .extends import resolve, ruleset_file
from .fields import REQUIRED, Fields, describe, strict_problems
from .inherited import relocate
from .loading import location_of
from .methods import METHODS, deducts, needs_target
from .model import (
    PROVIDERS,
    Band,
    Citation,
    FactSpec,
    Grading,
    Item,
    OutcomeRule,
    Period,
    Quota,
    RankBand,
    ResultsInput,
    Rounding,
    Ruleset,
    Source,
    Trigger,
    format_points,
)
from .patterns import check_references, check_where, read_attributes, read_conditions, read_selection, read_where
from .units import UNIT_FAMILIES, convertible

ROUNDING_MODES = ("half_up", "half_even", "down", "up")
FACT_KINDS = {"yes_no": "是/否", "events": "事件列表", "number": "数值", "count": "次数"}
EFFECTS = ("force_grade", "downgrade", "cap_grade")
VACANCIES = ("pass_on", "stay_empty")
ZERO = Decimal(0)


Checks = Callable[[Ruleset, list[Problem]], list[Problem]]


def load_ruleset(path: Path | str) -> Ruleset:
    """Read, resolve `extends`, and check a ruleset file or folder. Raises KaoheError with every problem."""
    ruleset, problems = read_ruleset(path)
    if problems:
        raise KaoheError(problems)
    return ruleset


def read_ruleset(path: Path | str, checks: Checks | None = None) -> tuple[Ruleset, list[Problem]]:
    """The ruleset as far as it could be built, and every problem found in it, each named by the item's id and
    title and placed where the drafter must fix it. `checks` finds more problems in the (possibly partial) ruleset
    given those loading found (lint's); they are placed the same way. A file that cannot be read at all raises."""
    ruleset, placed = _read(Path(path), checks)
    # a change that cannot apply up the chain is found again by each ruleset below it: said once
    return ruleset, sorted(set(reported for _, reported in placed))


def _read(path: Path, checks: Checks | None) -> tuple[Ruleset, list[tuple[Problem, Problem]]]:
    """The ruleset, and each problem as found (at the line it was found on) with the same problem as reported."""
    resolved = resolve(path)
    problems = strict_problems()
    ruleset = _build(resolved.data, problems, resolved.parent)
    file = str(ruleset_file(path))
    digest = hashlib.sha256("\n".join(resolved.digests).encode()).hexdigest()
    ruleset = replace(ruleset, digest=digest, file=file)
    found = resolved.problems + problems.items
    if checks is not None:
        found += checks(ruleset, found)
    reported = found
    if resolved.parent and any(p.location.file not in ("", file) for p in found):
        _, parent = _read(resolved.parent_path, checks)
        reported = relocate(found, file, resolved.own, {(p.location, p.message): shown for p, shown in parent},
                            _section_of(resolved.parent_data) | _section_of(resolved.data))
    return ruleset, list(zip(found, _with_titles(reported, resolved.data), strict=True))


def _with_titles(problems: list[Problem], data) -> list[Problem]:
    """`二.7 › brackets[1]` → `二.7「品牌培育」 › brackets[1]`: the item named by id and title, as the printed 细则
    names it, unless the message already does. (Outcome rules keep their id: their titles are whole sentences.)"""
    titles: dict[str, str] = {}

    def walk(entries) -> None:
        for entry in entries if isinstance(entries, list) else ():
            if isinstance(entry, dict) and isinstance(entry.get("id"), (str, int)):
                if isinstance(entry.get("title"), str) and entry["title"].strip():
                    titles.setdefault(str(entry["id"]), entry["title"].strip())
                walk(entry.get("children"))

    if isinstance(data, dict):
        walk(data.get("items"))
    out = []
    for problem in problems:
        head, sep, rest = problem.location.path.partition(" › ")
        if head in titles and f"{head}「" not in problem.message:
            problem = replace(problem, location=problem.location.at(f"{head}「{titles[head]}」{sep}{rest}"))
        out.append(problem)
    return out


def _section_of(data) -> dict[str, str]:
    """item id → the id of the section it sits in, read from raw ruleset data."""
    out: dict[str, str] = {}

    def walk(entries, holder: str) -> None:
        for entry in entries if isinstance(entries, list) else ():
            if isinstance(entry, dict) and isinstance(entry.get("id"), (str, int)):
                if holder:
                    out[str(entry["id"])] = holder
                walk(entry.get("children"), str(entry["id"]))

    walk(data.get("items") if isinstance(data, dict) else None, "")
    return out


def _build(data, problems: Problems, parent: str) -> Ruleset:
    f = Fields(data, "", problems)
    ruleset_id = f.text("id")
    sources = _sources(f, problems)
    source_ids = {s.id for s in sources}
    scale = f.decimal("scale", minimum=ZERO)
    if scale == 0:
        problems.add(f.where("scale"), "满分必须大于0")
    period = _period(f, problems)
    grading = _grading(f, problems, source_ids)
    facts = _facts(f, problems)
    unsure: set[str] = set()  # items whose points could not be read: their sums are not checked
    raw_items = f.sequence("items")
    items = tuple(_item(raw, f"items[{i + 1}]", problems, source_ids, None, unsure, top=True,
                        at=f.element("items", i))
                  for i, raw in enumerate(raw_items))
    if not items and f.ok:
        problems.add(f.where("items") if f.has("items") else f.loc, "细则至少要有一个考核指标")
    bonus_cap = f.decimal("bonus_cap", None, minimum=ZERO)
    ruleset = Ruleset(
        id=ruleset_id, title=f.text("title"), version=f.text("version"),
        status=f.choice("status", ("draft", "published"), "draft") or "draft",
        issuer=f.text("issuer"), document_number=f.text("document_number", ""),
        level=f.text("level"), units=f.texts("units"), period=period, sources=sources, scale=scale or ZERO,
        bonus_cap=ZERO, grading=grading, items=items, facts=facts, outcomes=(), note=f.text("note", ""),
        extends=parent, rescale=bool(f.boolean("rescale", False)),
    )
    raw_outcomes = f.sequence("outcomes", None)
    outcomes = tuple(rule for rule in (_outcome(raw, f"outcomes[{i + 1}]", problems, ruleset, source_ids,
                                                f.element("outcomes", i))
                                       for i, raw in enumerate(raw_outcomes)) if rule is not None)
    f.done(allowed_extra=("extends", "item_changes", "outcome_changes"))
    _check_tree(ruleset, f, problems, unsure)
    check_references(replace(ruleset, outcomes=outcomes), problems)
    bonus_points = sum((i.points for i in items if i.bonus), ZERO)
    cap = bonus_points if bonus_cap is None else bonus_cap
    for item in ruleset.all_items():
        if item.excess_is_bonus and cap == 0:
            problems.add(item.location.at(f"{item.id} › excess"),
                         f"指标 {item.id}「{item.title}」超出分值的部分计入加分（excess: bonus），"
                         "但本细则的加分上限为0",
                         "写明加分合计上限 bonus_cap，或去掉 excess: bonus（超出部分在本项内计）")
    if not ruleset.units and f.ok:
        problems.add(f.loc, '缺少被考核单位名单 "units"')
    return replace(ruleset, outcomes=outcomes, bonus_cap=bonus_points if bonus_cap is None else bonus_cap)


def _sources(f: Fields, problems: Problems) -> tuple[Source, ...]:
    sources = []
    raw_sources = f.sequence("sources")
    for index, raw in enumerate(raw_sources):
        s = Fields(raw, f"sources[{index + 1}]", problems, at=f.element("sources", index))
        sources.append(Source(id=s.text("id"), title=s.text("title"), document_number=s.text("document_number", ""),
                              date=s.text("date", ""), url=s.text("url", ""), note=s.text("note", "")))
        s.done()
    seen = set()
    for index, source in enumerate(sources):
        if source.id in seen:
            problems.add(f.element("sources", index), f'来源 id "{source.id}" 重复')
        seen.add(source.id)
    return tuple(sources)


def _citation(owner: Fields, problems: Problems, source_ids: set[str], required: bool = True) -> Citation | None:
    raw = owner.mapping("citation", None)
    if raw is None:
        if required and owner.ok:
            problems.add(owner.loc, '缺少依据 "citation"（source、clause、text）',
                         "每个指标、档次和结果规则都要注明出自哪份文件的哪一条")
        return None
    c = Fields(raw, f"{owner.path} › citation" if owner.path else "citation", problems, at=owner.where("citation"))
    citation = Citation(source=c.text("source"), clause=c.text("clause"), text=c.text("text"), location=c.loc)
    if citation.source and citation.source not in source_ids:
        problems.add(c.where("source"), f'依据引用了未声明的来源 "{citation.source}"',
                     did_you_mean(citation.source, source_ids) or f"已声明的来源：{'、'.join(sorted(source_ids))}")
    c.done()
    return citation


def _period(f: Fields, problems: Problems) -> Period:
    p = f.nested("period", "period") if f.has("period") else None
    if p is None:
        return Period(dt.date.min, dt.date.max)
    start, end = p.date("start"), p.date("end")
    until = p.date("events_until", None)
    p.done()
    if start and end and end < start:
        problems.add(p.where("end"), f"考核期结束日 {end} 早于开始日 {start}")
    if until and end and until < end:
        problems.add(p.where("events_until"), f"事件计入截止日 {until} 早于考核期结束日 {end}")
    return Period(start or dt.date.min, end or dt.date.max, until)


def _grading(f: Fields, problems: Problems, source_ids: set[str]) -> Grading:
    g = f.nested("grading", "grading")
    by = g.choice("by", ("score", "rank"), "score") or "score"
    citation = _citation(g, problems, source_ids)
    rounding = Rounding(None)
    raw_rounding = g.raw("rounding", "none")
    if raw_rounding != "none":
        r = Fields(raw_rounding, "grading › rounding", problems, "映射（step、mode）或 none", g.where("rounding"))
        step = r.decimal("step", minimum=Decimal("0.0001"))
        mode = r.choice("mode", ROUNDING_MODES, "half_up") or "half_up"
        r.done()
        rounding = Rounding(step, mode)
    bands, rank_bands = [], []
    if by == "score":
        raw_bands = g.sequence("bands")
        for index, raw in enumerate(raw_bands):
            b = Fields(raw, f"grading › bands[{index + 1}]", problems,
                       at=g.element("bands", index))
            if not b.ok:  # reported; a band without a label would only add misleading messages
                continue
            band = Band(label=b.text("label"), min=b.decimal("min", None), inclusive=bool(b.boolean("inclusive", True)),
                        text=b.text("text", ""),
                        citation=_citation(b, problems, source_ids, required=False) or citation,
                        location=b.where("min") if b.has("min") else b.loc)
            b.done()
            if bands and bands[-1].min is None:
                problems.add(b.loc, f"档次「{bands[-1].label}」没有下限，已覆盖其下的所有分数，其后不能再有档次")
            elif bands and band.min is not None and band.min >= bands[-1].min:
                problems.add(b.where("min"), f"档次下限须从高到低排列：{band.min} 不低于上一档的 {bands[-1].min}")
            bands.append(band)
            last = b.loc
        if bands and bands[-1].min is not None and bands[-1].min > 0:
            problems.add(last,
                         f"最低档「{bands[-1].label}」下限为 {bands[-1].min}，低于此分数的单位将无法定级",
                         "最低档可不写 min，表示其下所有分数")
        labels = [band.label for band in bands]
    else:
        raw_ranks = g.sequence("ranks")
        for index, raw in enumerate(raw_ranks):
            r = Fields(raw, f"grading › ranks[{index + 1}]", problems,
                       at=g.element("ranks", index))
            if not r.ok:
                continue
            rank_bands.append(RankBand(label=r.text("label"), count=r.integer("count", None, minimum=1),
                                       share=r.decimal("share", None, minimum=ZERO, maximum=Decimal(1)),
                                       text=r.text("text", "")))
            r.done()
        vacancy = g.choice("vacancy", VACANCIES, "pass_on") or "pass_on"
        rank_bands = [replace(band, vacancy=vacancy) for band in rank_bands]
        labels = [band.label for band in rank_bands] + list(g.texts("reserved"))
    quotas = _quotas(g, problems, labels) if by == "score" else ()
    g.done()
    if len(set(labels)) != len(labels):
        problems.add(g.loc, f"等次名称重复：{'、'.join(labels)}")
    if not labels and g.ok:
        problems.add(g.loc, "至少要声明一个等次")
    reserved = tuple(g.texts("reserved")) if by == "rank" else ()
    return Grading(tuple(labels), by, tuple(bands), tuple(rank_bands), rounding, citation, reserved, quotas)


def _quotas(g: Fields, problems: Problems, labels: list[str]) -> tuple[Quota, ...]:
    """`quotas: [{label: A, share: 0.3}]`: 优秀比例不超过30% — the lowest totals beyond it go to the next band."""
    quotas = []
    for index, raw in enumerate(g.sequence("quotas", None)):
        q = Fields(raw, f"grading › quotas[{index + 1}]", problems, at=g.element("quotas", index))
        if not q.ok:
            continue
        quota = Quota(label=q.text("label"), count=q.integer("count", None, minimum=0),
                      share=q.decimal("share", None, minimum=ZERO, maximum=Decimal(1)), text=q.text("text", ""))
        q.done()
        if quota.label and quota.label not in labels:
            problems.add(q.where("label"), f'等次 "{quota.label}" 未在 grading 中声明',
                         did_you_mean(quota.label, labels) or f"已声明：{'、'.join(labels)}")
        elif quota.label == labels[-1]:
            problems.add(q.where("label"), f"最低一档「{quota.label}」不能限定名额：超出的单位无处可去")
        if (quota.count is None) == (quota.share is None):
            problems.add(q.loc, "名额须写 count（个数）或 share（比例）之一")
        quotas.append(quota)
    return tuple(quotas)


def _facts(f: Fields, problems: Problems) -> tuple[FactSpec, ...]:
    specs = []
    table = f.mapping("facts", None) or {}
    for name, raw in table.items():
        s = Fields(raw, f"facts › {name}", problems, at=location_of(table, name, f.where("facts")))
        kind = s.choice("kind", FACT_KINDS)
        attributes = read_attributes(s)
        if attributes and kind and kind != "events":
            problems.add(s.where("attributes"), "只有事件列表（kind: events）的事实可以声明 attributes")
        specs.append(FactSpec(name=name, title=s.text("title"), kind=kind, kinds=s.texts("kinds"),
                              attributes=attributes, location=s.loc))
        s.done()
    return tuple(specs)


def _item(raw, path: str, problems: Problems, source_ids: set[str], inherited: Citation | None,
          unsure: set[str], top: bool = False, in_bonus: bool = False, at: Location | None = None,
          department: str = "", provider: str = "", in_penalty: bool = False) -> Item:
    """One item and its children. `department` and `provider` are what the sections above it say (provider: only
    when one of them writes it): an item that does not say its own takes them."""
    f = Fields(raw, path, problems, at=at)
    item_id = f.text("id")
    path = f"{item_id}" if item_id else path
    f.path = path
    penalty = bool(f.boolean("penalty", False))
    if penalty and not top:
        problems.add(f.where("penalty"), "扣分项只能是顶层指标（其下级自动计为扣分）："
                                         f"{item_id}「{f.text('title', '')}」不是顶层指标",
                     "把扣分项移到顶层，例如“四、扣分项”，它不计入满分")
    in_penalty = in_penalty or penalty
    # A penalty section's points, and its rows', are the most they deduct: optional (0, or omitted, is no limit).
    points = f.decimal("points", ZERO if in_penalty else REQUIRED, minimum=ZERO)
    if points is None:
        unsure.add(item_id)
    bonus = bool(f.boolean("bonus", False))
    if bonus and not top:
        problems.add(f.where("bonus"), "加分项只能是顶层指标（其下级自动计为加分）",
                     "把加分项移到顶层，例如“三、加分项”")
    if bonus and penalty:
        problems.add(f.where("penalty"), "一个指标不能既是加分项又是扣分项")
    citation = _citation(f, problems, source_ids, required=inherited is None) or inherited
    own_provider = f.choice("provider", PROVIDERS, None)
    unknown_provider = f.has("provider") and f.data["provider"] not in (None, "") and not own_provider  # reported
    provider = own_provider or provider  # "" when no section above says it either
    weight = f.decimal("weight", None, minimum=ZERO, maximum=Decimal(1))
    if weight is not None and not top:
        problems.add(f.where("weight"), "权重（weight）只能写在顶层指标上：按权重折算进满分",
                     "例如“日常考核占30%”：顶层指标 日常考核 写 weight: 0.3")
    common = dict(id=item_id, title=f.text("title"), points=points or ZERO, citation=citation,
                  bonus=bonus or in_bonus, standard=f.text("standard", ""), content=f.text("content", ""),
                  materials=f.texts("materials"), department=f.text("department", "") or department,
                  penalty=in_penalty, key=bool(f.boolean("key", False)), zero_if=read_conditions(f),
                  weight=weight, may_not_apply=bool(f.boolean("may_not_apply", False)), location=f.loc,
                  points_location=f.where("points") if f.has("points") else f.loc)
    raw_children = f.sequence("children", None)
    if raw_children:
        children = tuple(_item(child, f"{path} › children[{i + 1}]", problems, source_ids, citation, unsure,
                               in_bonus=bonus or in_bonus, at=f.element("children", i),
                               department=common["department"], provider=provider, in_penalty=in_penalty)
                         for i, child in enumerate(raw_children))
        rescale = bool(f.boolean("rescale", False))
        f.done()
        return Item(children=children, provider=provider or "unit", rescale=rescale, **common)
    if penalty and f.ok:
        problems.add(f.loc, f"扣分项 {item_id}「{common['title']}」须有下级指标（各扣分情形）",
                     "例如 children: [{id: 四.1, title: 发生较大质量事故, method: deduct_per, per: 2, counted: 起}]")
    method_name = f.text("method")
    method = METHODS.get(method_name)
    if method_name and method is None:
        problems.add(f.where("method"), f'未知的评分方法 "{method_name}"',
                     (did_you_mean(method_name, METHODS) or f"可用的评分方法：{'、'.join(METHODS)}")
                     + " 评分方法说明见 rulesets/REFERENCE.md#评分方法")
    if in_penalty and method and not deducts(method_name):
        problems.add(f.where("method"), f"扣分项中的指标 {item_id}「{common['title']}」不能用评分方法 {method_name}",
                     "扣分项中可用 deduct_per（每起扣N分）或 checklist 的 faults（各情形扣分）")
    # A penalty row without a limit is read by its method as if worth nothing; its deduction has no ceiling.
    if in_penalty and method and not deducts(method_name):
        method = None  # refused above; its parameters would only add misleading messages
    params = method.read_params(f, points or ZERO) if method else None
    if in_penalty and method_name == "checklist" and params.kind == "gains":
        problems.add(f.where("gains"), f"扣分项中的指标 {item_id}「{common['title']}」不能是加分清单（gains）",
                     "扣分项中的清单写 faults（各扣分情形）")
    unit = f.text("unit", "")
    target = f.decimal("target", None)
    last_year = _last_year(f, item_id, method_name)
    target_filed = bool(f.boolean("target_filed", False))
    if target_filed and method_name and not needs_target(method_name):
        problems.add(f.where("target_filed"), f"评分方法 {method_name} 不与目标比较，不能写 target_filed",
                     "target_filed（目标备案）用于 threshold、deduct_below_target、base_step")
    value_range = _range(f, unit)
    unit_required = bool(f.boolean("unit_required", False))
    if unit_required and not convertible(unit):
        problems.add(f.where("unit_required"), f"单位「{unit or '（未写）'}」没有可换算的单位，不能要求填报时写明单位",
                     f"unit_required 用于{'、'.join(u for family in UNIT_FAMILIES for u in family)}等可换算的单位")
    own_max = f.decimal("max", None, minimum=ZERO)
    if own_max is not None and points is not None and own_max < points:
        problems.add(f.where("max"), f"指标 {item_id}「{common['title']}」的最高分 {format_points(own_max)} 分"
                                     f"低于本项分值 {format_points(points)} 分",
                     "max 是本项可以超出分值时的上限（“本项最高15分”），应不低于 points")
    excess = f.choice("excess", ("own", "bonus"), "own") or "own"
    if excess == "bonus" and own_max is None and f.has("excess"):
        problems.add(f.where("excess"), "excess 只用于写了 max（本项最高分）的指标：超出分值的部分计入加分")
    if own_max is not None and in_penalty:
        problems.add(f.where("max"), "扣分项中的指标不能写 max：它的 points 即最多扣的分")
        own_max = None
    events = read_selection(f, "events")
    if events is not None and not unit and method and method.VALUE_KIND != "records":
        unit = "起"  # an item that counts events counts them in 起 unless it says otherwise
    if events is not None and method_name == "deduct_per" and params is not None:
        # 每发生一起扣2分: counted events are occurrences, not what is missing
        params = replace(params, noun=params.noun if f.has("noun") else "发生",
                         counted=params.counted if f.has("counted") else "起")
    value_of = f.text("value_of", "")
    from_results = _results_input(f, method)
    if events is not None and value_of:
        problems.add(f.where("value_of"), "一个指标不能同时按事件计数（events）又读取其他指标的值（value_of）")
    # With an unknown method we cannot tell its parameters from typos: report only the method.
    f.done(allowed_extra=() if method else f.data.keys())
    provider = provider or ("inspection" if method_name == "judged" else "unit")
    if provider == "department" and not common["department"] and not unknown_provider:
        problems.add(f.where("provider") if f.has("provider") else f.loc,
                     f"指标 {item_id}「{common['title']}」由牵头部门评定（provider: department），"
                     '但本项和上级指标都没有写明考核牵头部门 "department"',
                     "在本项或其上级指标写明 department，例如 department: 市环保局")
    return Item(method=method_name, params=params, value_kind=method.VALUE_KIND if method else "", unit=unit,
                target=target, value_range=value_range, provider=provider, last_year=last_year,
                target_filed=target_filed or bool(last_year), max=own_max, events=events, value_of=value_of,
                unit_required=unit_required, from_results=from_results, excess_is_bonus=excess == "bonus", **common)


TAKES = {"average": "平均总分", "share": "某等次的比例（%）", "count": "某等次的个数", "total": "本单位的总分",
         "grade": "本单位的等次"}


def _results_input(f: Fields, method) -> ResultsInput | None:
    """`from_results: {ruleset: township-2014, take: share, grade: A}`: the value is read from that assessment's
    results file, named in the evidence."""
    if not f.has("from_results"):
        return None
    r = f.nested("from_results", f"{f.path} › from_results")
    if not r.ok:
        return None
    found = ResultsInput(ruleset=r.text("ruleset"), take=r.choice("take", TAKES), grade=r.text("grade", ""))
    r.done()
    if found.take in ("share", "count") and not found.grade:
        f.problems.add(r.loc, f"take: {found.take} 须写明等次 grade，例如 grade: A")
    if found.take == "average" and found.grade:
        f.problems.add(r.where("grade"), "take: average 取平均总分，不用 grade")
    if found.take == "grade" and method is not None and method.VALUE_KIND != "level":
        f.problems.add(r.loc, f"取本单位在其他考核中的等次，评分方法应为 levels（各等次得分），实际为 {method.NAME}",
                       "例如 levels: {A: 5, B: 3, C: 1, D: 0}")
    elif found.take != "grade" and method is not None and method.VALUE_KIND != "number":
        f.problems.add(r.loc, f"取自其他考核结果的值是一个数，评分方法 {method.NAME} 不读数值",
                       "可用 brackets、threshold、deduct_below_target 等读数值的方法")
    return found


def _last_year(f: Fields, item_id: str, method_name: str) -> str:
    """`last_year: true` (or the item's id last year): the target is the unit's own value of last year."""
    raw = f.raw("last_year", None)
    if raw is None or raw is False:
        return ""
    if method_name and not needs_target(method_name):
        f.problems.add(f.where("last_year"), f"评分方法 {method_name} 不与目标比较，不能用 last_year",
                       "last_year 用于 threshold、deduct_below_target、base_step：以本单位上年的值为目标")
        return ""
    if raw is True:
        return item_id
    if isinstance(raw, (str, Decimal)) and str(raw).strip():
        return str(raw).strip()
    f.problems.add(f.where("last_year"), f"last_year 应为 true，或上年细则中对应指标的编号，实际为{describe(raw)}")
    return ""


def _range(f: Fields, unit: str) -> tuple[Decimal | None, Decimal | None]:
    """Allowed values of a number: `range: [low, high]`, or 0–100 for a rate in %."""
    raw = f.sequence("range", None)
    if not raw:
        return (ZERO, Decimal(100)) if unit == "%" else (None, None)
    if len(raw) != 2 or not all(v is None or (isinstance(v, Decimal)) for v in raw):
        f.problems.add(f.where("range"), "range 应为 [下限, 上限]，不限的一端写 null")
        return (None, None)
    return raw[0], raw[1]


def _outcome(raw, path: str, problems: Problems, ruleset: Ruleset, source_ids: set[str],
             at: Location) -> OutcomeRule | None:
    f = Fields(raw, path, problems, at=at)
    if not f.ok:  # reported; its when and then would only add misleading messages
        return None
    rule_id = f.text("id")
    f.path = rule_id or path
    trigger = _trigger(f.nested("when", f"{f.path} › when"), ruleset, problems)
    then = f.nested("then", f"{f.path} › then")
    effects = [key for key in EFFECTS if then.has(key)]
    effect, grade, levels = "", "", 1
    consequence = then.text("consequence", "")
    exclude = then.texts("exclude")
    for label in exclude:
        if label not in ruleset.grading.labels:
            problems.add(then.where("exclude"), f'等次 "{label}" 未在 grading 中声明',
                         did_you_mean(label, ruleset.grading.labels) or f"已声明：{'、'.join(ruleset.grading.labels)}")
    if len(effects) > 1:
        problems.add(then.loc, f"then 中至多给出一种改变等次的效果（{'、'.join(EFFECTS)}），"
                               "可另加 exclude（不得评为某等次）和 consequence（约谈、通报批评等后果）",
                     "例如 then: {downgrade: 1, consequence: 约谈}")
    elif not effects and not consequence and not exclude and then.ok:
        problems.add(then.loc, f"then 中须给出效果：{'、'.join(EFFECTS)} 之一，或 exclude（不得评为某等次）、"
                               "consequence（约谈、通报批评等后果）",
                     "例如 then: {force_grade: D}")
    elif effects:
        effect = effects[0]
        if effect == "downgrade":
            levels = then.integer("downgrade", minimum=1) or 1
        else:
            grade = then.text(effect)
            if (grade or then.data[effect] == "") and grade not in ruleset.grading.labels:
                problems.add(then.where(effect), f'等次 "{grade}" 未在 grading 中声明',
                             did_you_mean(grade, ruleset.grading.labels)
                             or f"已声明：{'、'.join(ruleset.grading.labels)}")
    then.done()
    if reads_grade(trigger) and (effect or exclude):
        problems.add(then.loc, "条件读取本年度等次的规则不能再改变等次，只能记录后果（consequence）",
                     "例如“连续两年被评为D级的，约谈主要负责人”：then: {consequence: 约谈主要负责人}")
    rule = OutcomeRule(id=rule_id, title=f.text("title"), trigger=trigger, effect=effect, grade=grade, levels=levels,
                       consequence=consequence, exclude=exclude, citation=_citation(f, problems, source_ids),
                       location=f.loc)
    f.done()
    return rule


def reads_grade(trigger: Trigger) -> bool:
    """A rule whose condition reads this year's grade: fired after the grade is settled."""
    return any(part.grade for part in trigger.parts())


def _trigger(w: Fields, ruleset: Ruleset, problems: Problems) -> Trigger:
    for key in ("all", "any"):
        if w.has(key):
            return _combined(w, key, ruleset, problems)
    if w.has("key_items"):
        return _key_trigger(w, ruleset, problems)
    if w.has("grade") or w.has("last_year_grade"):
        return _grade_trigger(w, ruleset, problems)
    name = w.text("fact")
    spec = next((s for s in ruleset.facts if s.name == name), None)
    if name and spec is None:
        problems.add(w.where("fact"), f'结果规则读取的事实 "{name}" 未在 facts 中定义',
                     did_you_mean(name, [s.name for s in ruleset.facts]))
    trigger = Trigger(fact=name, is_value=w.boolean("is", None), any_kind=w.texts("any_kind"),
                      at_least=w.decimal("at_least", None), above=w.decimal("above", None),
                      at_most=w.decimal("at_most", None), below=w.decimal("below", None), where=read_where(w))
    w.done()
    for key in ("at_least", "above", "at_most", "below"):
        value = getattr(trigger, key)
        if value is not None and not _exact(value):
            problems.add(w.where(key), f"比较值 {value} 超过6位小数")
    if spec is None or not spec.kind:  # an undefined fact or one of unknown kind is reported already
        return trigger
    comparisons = [v for v in (trigger.at_least, trigger.above, trigger.at_most, trigger.below) if v is not None]
    if spec.kind == "yes_no" and (trigger.is_value is None or comparisons or trigger.any_kind):
        problems.add(w.loc, f'事实 "{name}" 是是/否值，条件应写 is: true 或 is: false')
    if spec.kind != "yes_no" and trigger.is_value is not None:
        problems.add(w.where("is"), f'事实 "{name}" 是{FACT_KINDS.get(spec.kind, "")}，不能用 is 判断')
    if trigger.where and spec.kind != "events":
        problems.add(w.where("where"), f'where 只适用于事件列表，事实 "{name}" 是{FACT_KINDS.get(spec.kind, "")}')
    elif trigger.where:
        check_where(trigger.where, spec, problems, w.where("where"), "结果规则")
    if trigger.any_kind and spec.kind != "events":
        problems.add(w.where("any_kind"), f'any_kind 只适用于事件列表，事实 "{name}" 是{FACT_KINDS.get(spec.kind, "")}')
    for kind in trigger.any_kind:
        if spec.kinds and kind not in spec.kinds:
            problems.add(w.where("any_kind"), f'事件类型 "{kind}" 未在事实 "{name}" 的 kinds 中声明',
                         did_you_mean(kind, spec.kinds) or f"已声明：{'、'.join(spec.kinds)}")
    if spec.kind != "yes_no" and len(comparisons) > 1:
        problems.add(w.loc, "条件中只能给出一个比较（at_least、above、at_most、below 之一）")
    if spec.kind in ("number", "count") and not comparisons:
        problems.add(w.loc, f'事实 "{name}" 是数值，条件应给出 at_least、above、at_most 或 below')
    return trigger


def _combined(w: Fields, key: str, ruleset: Ruleset, problems: Problems) -> Trigger:
    """`all: [条件, 条件]` (and) or `any: [条件, 条件]` (or); conditions nest."""
    raw = w.sequence(key)
    parts = []
    for index, entry in enumerate(raw):
        part = Fields(entry, f"{w.path} › {key}[{index + 1}]", problems, at=w.element(key, index))
        if part.ok:
            parts.append(_trigger(part, ruleset, problems))
    if len(raw) < 2 and w.ok:
        problems.add(w.where(key), f"{key} 至少要列出两个条件")
    w.done()
    return Trigger(**{key: tuple(parts)})


def _grade_trigger(w: Fields, ruleset: Ruleset, problems: Problems) -> Trigger:
    """`grade: D` (this year's grade after the grade-changing rules), `last_year_grade: D` (last year's final)."""
    grade, last = w.texts("grade"), w.texts("last_year_grade")
    for key, labels in (("grade", grade), ("last_year_grade", last)):
        for label in labels:
            if label not in ruleset.grading.labels:
                problems.add(w.where(key), f'等次 "{label}" 未在 grading 中声明',
                             did_you_mean(label, ruleset.grading.labels)
                             or f"已声明：{'、'.join(ruleset.grading.labels)}")
    if grade and last:
        problems.add(w.loc, "grade 与 last_year_grade 请分写在 all: [...] 的两个条件中",
                     "例如 all: [{grade: D}, {last_year_grade: D}]")
    w.done()
    return Trigger(grade=grade, last_year_grade=last)


def _key_trigger(w: Fields, ruleset: Ruleset, problems: Problems) -> Trigger:
    """`key_items: [一, 二.3]` or `key_items: all` (every item marked key), each below `min_share` of its points.
    A section among them says whether its total is tested (`scope: whole`) or each leaf under it (`scope: each`)."""
    known = {i.id: i for i in ruleset.all_items()}
    if w.data.get("key_items") == "all":
        w.raw("key_items")
        ids = tuple(i.id for i in ruleset.all_items() if i.key)
        if not ids:
            problems.add(w.where("key_items"), "key_items: all 读取所有关键项，但没有指标标明 key: true",
                         "在关键指标上写 key: true")
    else:
        ids = w.texts("key_items")
    share = w.decimal("min_share", minimum=ZERO, maximum=Decimal(1))
    scope = w.choice("scope", ("whole", "each"), "")
    for item_id in ids:
        if item_id not in known:
            problems.add(w.where("key_items"), f'关键项 "{item_id}" 不是本细则的指标', did_you_mean(item_id, known))
    sections = [known[i] for i in ids if i in known and known[i].children]
    if sections and not scope:
        named = "、".join(f"{s.id}「{s.title}」" for s in sections)
        problems.add(w.where("key_items"), f"关键项{named}是分组指标：须写明按大项合计还是逐项判断",
                     "写 scope: whole（大项得分合计低于其分值的比例即触发）"
                     "或 scope: each（其下任一末级指标低于即触发）")
    w.done()
    if scope == "each":
        ids = tuple(leaf.id for i in ids if i in known for leaf in known[i].walk() if leaf.is_leaf)
    for item_id in ids:
        item = known.get(item_id)
        if item is not None and share is not None and not _exact(item.points * share):
            problems.add(w.where("min_share"), f"关键项 {item_id} 的最低得分 {item.points * share} 超过6位小数")
    return Trigger(key_items=ids, min_share=share, scope=scope)


def _exact(value: Decimal) -> bool:
    """Outcome rules compare integers of millionths inside durable-rules (see triggers.py)."""
    return (value * 10**6) == (value * 10**6).to_integral_value()


def _check_tree(ruleset: Ruleset, f: Fields, problems: Problems, unsure: set[str]) -> None:
    seen: dict[str, Item] = {}
    for item in ruleset.all_items():
        if item.id in seen and item.id:
            problems.add(item.location, f'指标 id "{item.id}" 重复（第一次出现在第 {seen[item.id].location.line} 行）')
        seen.setdefault(item.id, item)
        if item.children and not item.bonus and not item.penalty and not unsure & {i.id for i in item.walk()}:
            total = sum((c.points for c in item.children), ZERO)
            if total != item.points:
                listed = "".join(f"\n    {c.id}「{c.title}」 {format_points(c.points)}分  {_line(c.points_location)}"
                                 for c in item.children)
                problems.add(item.location.at(item.id), f"下级指标分值之和为 {format_points(total)} 分，"
                                                        f"与本项分值 {format_points(item.points)} 分不一致",
                             f"本项分值写在 {_line(item.points_location)}；各下级指标的分值及写在何处：{listed}")
    regular = sum((i.points * (i.weight if i.weight is not None else 1) for i in ruleset.items
                   if not i.bonus and not i.penalty), ZERO)
    if ruleset.items and ruleset.scale and not unsure and regular != ruleset.scale:
        listed = "".join(f"\n    {i.id}「{i.title}」 {format_points(i.points)}分"
                         f"{f' × 权重 {i.weight}' if i.weight is not None else ''}  {_line(i.points_location)}"
                         for i in ruleset.items if not i.bonus and not i.penalty)
        problems.add(f.where("scale") if f.has("scale") else f.loc,
                     f"顶层指标分值之和{'（按权重折算）' if any(i.weight is not None for i in ruleset.items) else ''}"
                     f"为 {format_points(regular)} 分，与满分 {format_points(ruleset.scale)} 分不一致",
                     f"各顶层指标（不含加分项、扣分项）的分值及写在何处：{listed}")
    _check_not_applicable(ruleset, ruleset.items, ruleset.rescale, problems)


def _line(location: Location) -> str:
    return f"{location.file}:{location.line}" if location.line else location.file


def _check_not_applicable(ruleset: Ruleset, items, folded: bool, problems: Problems) -> None:
    """An item that may not apply needs a section above it (or the ruleset) that says how the scale is kept:
    按得分率折算 (rescale)."""
    for item in items:
        leaves = [leaf for leaf in item.walk() if leaf.is_leaf]
        if item.children and item.rescale and not folded and all(leaf.may_not_apply for leaf in leaves):
            problems.add(item.location.at(item.id),
                         f"指标 {item.id}「{item.title}」的下级指标可能全部不适用，"
                         "而其上级和细则都没有写明此时怎样折算",
                         "在细则顶层写 rescale: true，或让其中至少一项不可不适用")
        if item.may_not_apply and not (folded or item.rescale):
            problems.add(item.location.at(item.id),
                         f"指标 {item.id}「{item.title}」可以不适用（may_not_apply），但细则没有写明不适用时怎样折算",
                         "在其上级指标或细则顶层写 rescale: true（不适用的指标不计，按得分率折算）")
        if item.children:
            _check_not_applicable(ruleset, item.children, folded or item.rescale, problems)
