"""What changed between two rulesets, in the terms a drafter uses: items, points, methods, targets, bands,
outcome rules, sources. Items are matched by id, then by title (a renumbered item)."""
from __future__ import annotations

from dataclasses import asdict, dataclass

from .model import (
    ATTRIBUTE_TYPES,
    Condition,
    EventSelection,
    FactSpec,
    Item,
    OutcomeRule,
    Ruleset,
    Trigger,
)
from .model import format_points as pts
from .selection import COMPARISON_WORDS, attribute_test_text, fact_title

PARAM_NAMES = {
    "per": "每项（每步）分值", "step": "步长", "base": "基准分", "up": "每步加分", "down": "每步减分",
    "levels": "档次", "parts": "组成部分", "brackets": "数额分档", "required": "要求数", "direction": "方向",
    "partial": "不足一步的处理", "order": "排序方向", "counted": "量词", "noun": "计数说法",
    "zero_if_none": "均未开展的不得分", "kind": "清单类型", "entries": "清单情形",
    "numerator": "分子", "denominator": "分母", "rate": "比率名称",
}
TAKE_WORDS = {"average": "平均总分", "share": "等次为{grade}的比例", "count": "等次为{grade}的个数"}
CHECKLIST_KINDS = {"faults": "扣分清单", "gains": "加分清单"}


@dataclass(frozen=True)
class Change:
    section: str  # 指标 / 等级 / 结果规则 / 来源 / 基本信息
    kind: str  # 新增 / 删除 / 修改 / 移动 / 改名 / 改编号
    key: str  # item id, band label, rule id …
    title: str
    detail: str


def _show(value) -> str:
    if value is None or value == "":
        return "无"
    if isinstance(value, bool):
        return "是" if value else "否"
    if hasattr(value, "normalize"):
        return pts(value)
    if isinstance(value, (tuple, list)):
        return "、".join(_show(v) for v in value) or "无"
    if isinstance(value, dict):
        return "，".join(f"{k}={_show(v)}" for k, v in value.items())
    return str(value)


def _param(key: str, value, unit: str, params: dict | None = None) -> str:
    """Method parameters as a drafter reads them: ≥5个得6分；好 15分；未建立台账 扣0.5分."""
    params = params or {}
    if key == "brackets" and value:
        fewer = params.get("direction") == "at_most"
        signs = {(False, True): "≥", (False, False): ">", (True, True): "≤", (True, False): "<"}
        return "；".join(f"{signs[fewer, b.get('inclusive', True)]}{pts(b['min'])}{unit}得{pts(b['points'])}分"
                        for b in value)
    if key in ("levels", "parts") and value:
        return "；".join(f"{name} {pts(worth)}分" for name, worth in value)
    if key == "direction" and "brackets" in params:
        return {"at_least": "越多越好（按下限分档）", "at_most": "越少越好（按上限分档）"}.get(value, _show(value))
    if key == "kind" and value in CHECKLIST_KINDS:
        return CHECKLIST_KINDS[value]
    if key == "entries" and value:
        verb = "加" if params.get("kind") == "gains" else "扣"
        return "；".join(f"{e['name']} 每{e['counted']}{verb}{pts(e['amount'])}分" if e["per"]
                        else f"{e['name']} {verb}{pts(e['amount'])}分" for e in value)
    return _show(value)




def selection_text(selection: EventSelection | None, ruleset: Ruleset) -> str:
    """生产安全事故（较大、重大；responsible 为是，deaths 不少于2）, or 无."""
    if selection is None:
        return "无"
    inside = "；".join(part for part in ("、".join(selection.kinds),
                                         "，".join(attribute_test_text(t) for t in selection.where)) if part)
    return f"{fact_title(ruleset, selection.fact)}（{inside}）" if inside else fact_title(ruleset, selection.fact)


def condition_text(cond: Condition, ruleset: Ruleset) -> str:
    """A precondition in words: the document's text, and what it tests."""
    comparison = f"{COMPARISON_WORDS.get(cond.op, cond.op)}{pts(cond.threshold)}" if cond.op else ""
    if cond.item:
        source = ruleset.item(cond.item)
        name = f"{cond.item}「{source.title}」" if source else cond.item
        test = f"{name}为{'是' if cond.is_value else '否'}" if cond.is_value is not None else \
            f"{name}{comparison}{source.unit if source else ''}"
    elif cond.events is not None or (cond.is_value is None and not cond.op):
        selection = cond.events or EventSelection(cond.fact)
        count = f"{pts(cond.threshold)}起" if cond.op else "1起"
        test = f"{selection_text(selection, ruleset)}{COMPARISON_WORDS.get(cond.op, '不少于')}{count}"
    elif cond.is_value is not None:
        test = f"“{fact_title(ruleset, cond.fact)}”为{'是' if cond.is_value else '否'}"
    else:
        test = f"“{fact_title(ruleset, cond.fact)}”{comparison}"
    return f"{cond.text}（{test}）" if cond.text else test


def _conditions(a: Item, b: Item, old: Ruleset, new: Ruleset) -> list[str]:
    """前提条件 added and removed, each with its text; a changed condition is one removed and one added."""
    before = [condition_text(c, old) for c in a.zero_if]
    after = [condition_text(c, new) for c in b.zero_if]
    out = [f"删除前提条件：{text}" for text in before if text not in after]
    return out + [f"新增前提条件：{text}" for text in after if text not in before]


def _worth(item: Item) -> str:
    """10分; 10分（最高15分）; 扣分项，最多扣10分 — what an added or removed item is worth."""
    if item.penalty:
        return f"扣分项，最多扣{pts(item.points)}分" if item.points > 0 else "扣分项"
    return f"{pts(item.points)}分" + (f"（最高{pts(item.max)}分）" if item.max is not None else "")


def results_text(source) -> str:
    """取自考核 township-2014 的平均总分 / 等次为A的比例 — an item's value from another assessment's results."""
    if source is None:
        return "无"
    return f"取自考核 {source.ruleset} 的{TAKE_WORDS.get(source.take, source.take).format(grade=source.grade)}"


def _shares(item: Item) -> list[str]:
    """What an item carries of the second pass of the language, as an added item shows it."""
    parts = [f"权重{pts(item.weight * 100)}%"] if item.weight is not None else []
    parts += ["可以不适用"] if item.may_not_apply else []
    parts += ["不适用的指标按得分率折算"] if item.rescale else []
    parts += ["须写明计量单位"] if item.unit_required else []
    parts += [results_text(item.from_results)] if item.from_results is not None else []
    parts += ["超出分值的部分计入加分"] if item.excess_is_bonus else []
    return parts


def _marks(item: Item, ruleset: Ruleset) -> str:
    """What else an added item carries: 关键项, its preconditions, the events it counts, the value it shares."""
    parts = ["关键项"] if item.key else []
    parts += _shares(item)
    parts += [f"前提条件：{condition_text(c, ruleset)}" for c in item.zero_if]
    if item.events is not None:
        parts.append(f"按事件计数 {selection_text(item.events, ruleset)}")
    if item.value_of:
        parts.append(f"同 {item.value_of} 的填报值")
    if item.is_leaf and item.target_filed and not item.last_year:
        parts.append("允许目标备案")
    return "".join(f"；{p}" for p in parts)


def _patterns(a: Item, b: Item, old: Ruleset, new: Ruleset) -> list[str]:
    """The changes of an item's own cap, key mark, preconditions, penalty, events, shared value, target filing."""
    details = []
    if a.max != b.max:
        details.append(f"本项最高分 {_show(a.max)} → {_show(b.max)}")
    if a.key != b.key:
        details.append("设为关键项" if b.key else "取消关键项")
    details += _conditions(a, b, old, new)
    if a.penalty != b.penalty and (any(b is i for i in new.items) or any(a is i for i in old.items)):
        details.append("改为扣分项（不计入满分，得分为扣分）" if b.penalty else "不再是扣分项")
    if selection_text(a.events, old) != selection_text(b.events, new):
        details.append(f"按事件计数 {selection_text(a.events, old)} → {selection_text(b.events, new)}")
    if a.value_of != b.value_of:
        shown = [f"同 {x} 的填报值" if x else "本项填报" for x in (a.value_of, b.value_of)]
        details.append(f"填报值 {shown[0]} → {shown[1]}")
    if a.is_leaf and b.is_leaf and a.target_filed != b.target_filed and not b.last_year:
        details.append(f"目标备案 {'允许' if a.target_filed else '不允许'} → {'允许' if b.target_filed else '不允许'}")
    return details + _second(a, b)


def _second(a: Item, b: Item) -> list[str]:
    """The changes of weight, 不适用 and its folding, units required, values from other results, excess as bonus."""
    details = []
    if a.weight != b.weight:
        shown = [f"{pts(x * 100)}%" if x is not None else "无" for x in (a.weight, b.weight)]
        details.append(f"权重 {shown[0]} → {shown[1]}")
    if a.may_not_apply != b.may_not_apply:
        details.append("改为可以不适用（单位可填“不适用”，按得分率折算）" if b.may_not_apply else "不再允许填“不适用”")
    if a.rescale != b.rescale:
        details.append("不适用的指标改为在本项内按得分率折算" if b.rescale else "不再在本项内按得分率折算")
    if a.unit_required != b.unit_required:
        details.append("改为须写明计量单位" if b.unit_required else "不再要求写明计量单位")
    if a.from_results != b.from_results:
        details.append(f"填报值 {results_text(a.from_results) if a.from_results else '本项填报'} → "
                       f"{results_text(b.from_results) if b.from_results else '本项填报'}")
    if a.excess_is_bonus != b.excess_is_bonus:
        details.append("超出分值的部分改为计入加分（受加分上限约束）" if b.excess_is_bonus
                       else "超出分值的部分改为在本项内计（不再计入加分）")
    return details


def _parents(ruleset: Ruleset) -> dict[str, str]:
    out = {}
    for item in ruleset.all_items():
        for child in item.children:
            out[child.id] = item.id
    return out


def diff(old: Ruleset, new: Ruleset) -> list[Change]:
    return (_meta(old, new) + _items(old, new) + _grading(old, new) + _facts(old, new) + _outcomes(old, new)
            + _sources(old, new))


def _facts(old: Ruleset, new: Ruleset) -> list[Change]:
    before = {f.name: f for f in old.facts}
    out = []
    for fact in new.facts:
        if fact.name not in before:
            out.append(Change("事实", "新增", fact.name, fact.title, f"{fact.kind} {_show(fact.kinds)}".strip()
                              + (f"；事件属性 {_show([_attribute_text(x) for x in fact.attributes])}"
                                 if fact.attributes else "")))
        elif (before[fact.name].kind, before[fact.name].kinds) != (fact.kind, fact.kinds):
            out.append(Change("事实", "修改", fact.name, fact.title, f"类型 {_show(before[fact.name].kinds)} → "
                                                                   f"{_show(fact.kinds)}"
                              + "".join(f"；{d}" for d in _attributes(before[fact.name], fact))))
        elif before[fact.name].attributes != fact.attributes:
            out.append(Change("事实", "修改", fact.name, fact.title, "；".join(_attributes(before[fact.name], fact))))
    after = {f.name for f in new.facts}
    return out + [Change("事实", "删除", f.name, f.title, "") for f in old.facts if f.name not in after]


def _attribute_text(attribute) -> str:
    """deaths（个数）；sector（工业/农业/服务业）."""
    kind = "/".join(attribute.choices) if attribute.type == "choice" else ATTRIBUTE_TYPES.get(attribute.type,
                                                                                               attribute.type)
    return f"{attribute.name}（{kind}）"


def _attributes(a: FactSpec, b: FactSpec) -> list[str]:
    """The events' declared attributes added, removed or retyped."""
    before = {x.name: x for x in a.attributes}
    after = {x.name: x for x in b.attributes}
    out = [f"新增事件属性 {_attribute_text(x)}" for name, x in after.items() if name not in before]
    out += [f"删除事件属性 {_attribute_text(x)}" for name, x in before.items() if name not in after]
    out += [f"事件属性 {_attribute_text(before[name])} → {_attribute_text(x)}" for name, x in after.items()
            if name in before and before[name] != x]
    return out


def _meta(old: Ruleset, new: Ruleset) -> list[Change]:
    out = []
    for key, name in (("id", "编号"), ("title", "名称"), ("version", "版本"), ("status", "状态"), ("scale", "满分"),
                      ("bonus_cap", "加分上限"), ("period", "考核期")):
        a, b = getattr(old, key), getattr(new, key)
        if a != b:
            if key == "period":
                a, b = f"{a.start} 至 {a.end}", f"{b.start} 至 {b.end}"
            out.append(Change("基本信息", "修改", key, name, f"{_show(a)} → {_show(b)}"))
    if old.rescale != new.rescale:
        out.append(Change("基本信息", "修改", "rescale", "不适用的指标",
                          "改为在总分中按得分率折算" if new.rescale else "不再在总分中按得分率折算"))
    added = [u for u in new.units if u not in old.units]
    removed = [u for u in old.units if u not in new.units]
    if added or removed:
        out.append(Change("基本信息", "修改", "units", "被考核单位",
                          f"新增：{_show(added)}；删除：{_show(removed)}"))
    return out


def _items(old: Ruleset, new: Ruleset) -> list[Change]:
    out = []
    old_items = {i.id: i for i in old.all_items()}
    new_items = {i.id: i for i in new.all_items()}
    old_parent, new_parent = _parents(old), _parents(new)
    pairs: list[tuple[Item, Item, str]] = [(old_items[k], new_items[k], "") for k in new_items if k in old_items]
    removed = [i for k, i in old_items.items() if k not in new_items]
    added = [i for k, i in new_items.items() if k not in old_items]
    for item in list(added):  # a renumbered item keeps its title
        twin = next((r for r in removed if r.title == item.title), None)
        if twin is not None:
            removed.remove(twin)
            added.remove(item)
            pairs.append((twin, item, "改编号"))
    for item in removed:
        out.append(Change("指标", "删除", item.id, item.title, f"{_worth(item)}，{item.method or '分组'}"))
    for item in added:
        where = f"，在 {new_parent[item.id]} 下" if item.id in new_parent else "，顶层"
        out.append(Change("指标", "新增", item.id, item.title,
                          f"{_worth(item)}，{item.method or '分组'}{where}{_marks(item, new)}"))
    for a, b, how in sorted(pairs, key=lambda p: list(new_items).index(p[1].id)):
        if how:
            out.append(Change("指标", how, b.id, b.title, f"原编号 {a.id}"))
        if a.title != b.title:
            out.append(Change("指标", "改名", b.id, b.title, f"「{a.title}」→「{b.title}」"))
        if old_parent.get(a.id) != new_parent.get(b.id):
            out.append(Change("指标", "移动", b.id, b.title,
                              f"上级 {old_parent.get(a.id, '顶层')} → {new_parent.get(b.id, '顶层')}"))
        details = []
        for key, name in (("points", "分值"), ("method", "评分方法"), ("target", "目标"), ("unit", "计量单位"),
                          ("bonus", "加分项"), ("value_range", "取值范围")):
            if getattr(a, key) != getattr(b, key):
                details.append(f"{name} {_show(getattr(a, key))} → {_show(getattr(b, key))}")
        if a.is_leaf and b.is_leaf and a.provider_label != b.provider_label:
            details.append(f"填报方 {a.provider_label} → {b.provider_label}")
        if a.method == b.method and a.params != b.params and a.params is not None:
            before, after = asdict(a.params), asdict(b.params)
            for key in after:
                if before.get(key) != after[key]:
                    details.append(f"{PARAM_NAMES.get(key, key)} {_param(key, before.get(key), a.unit, before)} → "
                                   f"{_param(key, after[key], b.unit, after)}")
        details += _patterns(a, b, old, new)
        if a.standard != b.standard:
            details.append(f"评分标准改为：{b.standard}")
        if a.citation != b.citation and b.citation is not None:
            details.append(f"依据改为：{new.cite(b.citation)}")
        if details:
            out.append(Change("指标", "修改", b.id, b.title, "；".join(details)))
    return out


def _grading(old: Ruleset, new: Ruleset) -> list[Change]:
    out = []
    a, b = old.grading, new.grading
    if a.by != b.by:
        out.append(Change("等级", "修改", "by", "定级方式", f"{a.by} → {b.by}"))
    if a.rounding != b.rounding:
        out.append(Change("等级", "修改", "rounding", "总分取舍", f"{a.rounding.describe()} → {b.rounding.describe()}"))
    old_bands, new_bands = {x.label: x for x in a.bands}, {x.label: x for x in b.bands}
    for label, band in new_bands.items():
        before = old_bands.get(label)
        if before is None:
            out.append(Change("等级", "新增", label, band.text, f"下限 {_show(band.min)}"))
        elif (before.min, before.inclusive) != (band.min, band.inclusive):
            out.append(Change("等级", "修改", label, band.text or label,
                              f"下限 {_show(before.min)}{'（含）' if before.inclusive else '（不含）'} → "
                              f"{_show(band.min)}{'（含）' if band.inclusive else '（不含）'}"))
    for label in old_bands:
        if label not in new_bands:
            out.append(Change("等级", "删除", label, old_bands[label].text, ""))
    return out + _ranks(a, b) + _quota_changes(a, b)


def _rank_text(band) -> str:
    """前3名; 前40%; 其余."""
    if band.count is not None:
        return f"{band.count}个"
    if band.share is not None:
        return f"{pts(band.share * 100)}%"
    return "其余"


def _ranks(a, b) -> list[Change]:
    """Rank tiers (名次定级), reserved grades and what happens to a place an excluded unit would take."""
    out = []
    before, after = {x.label: x for x in a.rank_bands}, {x.label: x for x in b.rank_bands}
    for label, band in after.items():
        if label not in before:
            out.append(Change("等级", "新增", label, band.text or label, f"按名次 {_rank_text(band)}"))
        elif _rank_text(before[label]) != _rank_text(band):
            out.append(Change("等级", "修改", label, band.text or label,
                              f"名额 {_rank_text(before[label])} → {_rank_text(band)}"))
    out += [Change("等级", "删除", label, band.text or label, "") for label, band in before.items()
            if label not in after]
    if a.reserved != b.reserved:
        out.append(Change("等级", "修改", "reserved", "只由结果规则给出的等次",
                          f"{_show(a.reserved)} → {_show(b.reserved)}"))
    vacancy = {"pass_on": "由其后的单位递补", "stay_empty": "空缺，不递补"}
    old_vacancy = a.rank_bands[0].vacancy if a.rank_bands else ""
    new_vacancy = b.rank_bands[0].vacancy if b.rank_bands else ""
    if a.rank_bands and b.rank_bands and old_vacancy != new_vacancy:
        out.append(Change("等级", "修改", "vacancy", "不得评为某等次的单位让出的名额",
                          f"{vacancy.get(old_vacancy, old_vacancy)} → {vacancy.get(new_vacancy, new_vacancy)}"))
    return out


def quota_words(quota) -> str:
    """优秀比例不超过30%（A 至多30%）; A 至多3个."""
    limit = f"至多{quota.count}个" if quota.count is not None else f"至多{pts(quota.share * 100)}%"
    return f"{quota.text}（{quota.label} {limit}）" if quota.text else f"{quota.label} {limit}"


def _quota_changes(a, b) -> list[Change]:
    """Grade quotas (优秀比例不超过30%) added, removed or changed, by grade."""
    before, after = {q.label: q for q in a.quotas}, {q.label: q for q in b.quotas}
    out = []
    for label, quota in after.items():
        if label not in before:
            out.append(Change("等级", "新增", f"名额 {label}", quota.text or label, f"名额限制：{quota_words(quota)}"))
        elif (before[label].count, before[label].share) != (quota.count, quota.share):
            out.append(Change("等级", "修改", f"名额 {label}", quota.text or label,
                              f"名额限制 {quota_words(before[label])} → {quota_words(quota)}"))
    out += [Change("等级", "删除", f"名额 {label}", quota.text or label, f"取消名额限制：{quota_words(quota)}")
            for label, quota in before.items() if label not in after]
    return out


def _rule_text(rule: OutcomeRule, ruleset: Ruleset) -> str:
    said = [{"force_grade": f"直接定为{rule.grade}", "cap_grade": f"最高为{rule.grade}",
             "downgrade": f"降{rule.levels}级"}[rule.effect]] if rule.effect else []
    if rule.exclude:
        said.append(f"不得评为{'、'.join(rule.exclude)}")
    if rule.consequence:
        said.append(rule.consequence if not said else f"另{rule.consequence}")
    return f"{trigger_text(rule.trigger, ruleset)}时{'，'.join(said)}"


def simple_triggers(trigger: Trigger) -> list[Trigger]:
    """The simple conditions of a rule, inside all: and any: too."""
    return [part for part in trigger.parts() if not (part.all or part.any)]


def trigger_facts(trigger: Trigger) -> set[str]:
    """The facts a rule's condition reads, inside all: and any: too."""
    return {t.fact for t in simple_triggers(trigger) if t.fact}


def trigger_text(t: Trigger, ruleset: Ruleset) -> str:
    """An outcome rule's condition in words; all: joined by 且, any: by 或, a nested group in brackets."""
    if t.all or t.any:
        parts = [trigger_text(x, ruleset) for x in (t.all or t.any)]
        parts = [f"（{text}）" if x.all or x.any else text for x, text in zip(t.all or t.any, parts, strict=True)]
        return ("且" if t.all else "或").join(parts)
    if t.grade:
        return f"本年度等次为{'、'.join(t.grade)}"
    if t.last_year_grade:
        return f"上年度等次为{'、'.join(t.last_year_grade)}"
    if t.key_items:
        scope = {"whole": "（分组按合计）", "each": "（分组逐项）"}.get(t.scope, "")
        when = f"关键项 {_show(t.key_items)}{scope} 低于其分值的 {pts(t.min_share * 100)}%"
    else:
        spec = next((f for f in ruleset.facts if f.name == t.fact), None)
        name = spec.title if spec else t.fact
        comparison = next(((o, v) for o, v in (("≥", t.at_least), (">", t.above), ("≤", t.at_most), ("<", t.below))
                           if v is not None), None)
        if t.is_value is not None:
            when = f"“{name}”为{'是' if t.is_value else '否'}"
        elif t.any_kind or comparison is None:  # events: of the kinds listed, or of any kind
            count = f"{pts(t.at_least)}起以上" if t.at_least is not None else ""
            kinds = f"「{'、'.join(t.any_kind)}」" if t.any_kind else ""
            where = f"（{'，'.join(attribute_test_text(x) for x in t.where)}）" if t.where else ""
            when = f"发生{count}{kinds}{name}{where}"
            if comparison is not None and t.at_least is None:  # 不超过1起, 少于2起, 多于1起
                op = {"≤": "<=", "<": "<", ">": ">"}[comparison[0]]
                when = f"{kinds}{name}{where}{COMPARISON_WORDS[op]}{pts(comparison[1])}起"
        else:
            when = f"“{name}”{comparison[0]}{pts(comparison[1])}"
    return when


def _outcomes(old: Ruleset, new: Ruleset) -> list[Change]:
    out = []
    before = {r.id: r for r in old.outcomes}
    for rule in new.outcomes:
        if rule.id not in before:
            out.append(Change("结果规则", "新增", rule.id, rule.title,
                              f"{_rule_text(rule, new)}；依据：{new.cite(rule.citation)}"))
        elif (_rule_text(before[rule.id], old), before[rule.id].title) != (_rule_text(rule, new), rule.title):
            out.append(Change("结果规则", "修改", rule.id, rule.title,
                              f"{_rule_text(before[rule.id], old)} → {_rule_text(rule, new)}"))
    after = {r.id for r in new.outcomes}
    out += [Change("结果规则", "删除", r.id, r.title, _rule_text(r, old)) for r in old.outcomes if r.id not in after]
    return out


def _sources(old: Ruleset, new: Ruleset) -> list[Change]:
    before = {s.id: s for s in old.sources}
    out = []
    for source in new.sources:
        if source.id not in before:
            out.append(Change("来源", "新增", source.id, source.title, source.document_number))
        elif before[source.id] != source:
            out.append(Change("来源", "修改", source.id, source.title, ""))
    after = {s.id for s in new.sources}
    out += [Change("来源", "删除", s.id, s.title, s.document_number) for s in old.sources if s.id not in after]
    return out


def diff_report(old: Ruleset, new: Ruleset, changes: list[Change]):
    """The changes as a Report: one table per section, in a fixed order."""
    from .render.report import Report, Table
    sections = ("指标", "等级", "事实", "结果规则", "来源", "基本信息")
    counts = "，".join(f"{s} {sum(1 for c in changes if c.section == s)}" for s in sections
                      if any(c.section == s for c in changes))
    lead = (f"旧：{old.title}（{old.id}，版本 {old.version}，摘要 {old.digest[:12]}）",
            f"新：{new.title}（{new.id}，版本 {new.version}{'，草案' if new.status == 'draft' else ''}，"
            f"摘要 {new.digest[:12]}）",
            f"共 {len(changes)} 处变化：{counts}" if changes else "两份细则没有差别。")
    tables = tuple(Table(section, ("变化", "编号", "名称", "说明"),
                         tuple((c.kind, c.key, c.title, c.detail) for c in changes if c.section == section))
                   for section in sections if any(c.section == section for c in changes))
    return Report(f"细则比较：{old.id} → {new.id}", lead, tables, wide=frozenset({2, 3}))
