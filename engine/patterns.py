"""Reading the ruleset's shared pieces of condition: event selections (`events:`, `where:`), event attributes and
preconditions (`zero_if:`). Structure only; names are checked against the facts and items once the whole ruleset
is read (see `check_references`)."""
from __future__ import annotations

from decimal import Decimal

from .errors import Location, Problems, did_you_mean
from .fields import Fields, describe
from .loading import location_of
from .model import ATTRIBUTE_TYPES, Attribute, AttributeTest, Condition, EventSelection, FactSpec, Item, Ruleset

COMPARISONS = {"at_least": ">=", "above": ">", "at_most": "<=", "below": "<"}
COUNT_KINDS = ("count", "number")  # value kinds an events-item can take: the number of events counted


def read_attributes(s: Fields) -> tuple[Attribute, ...]:
    """`attributes: {deaths: count, responsible: yes_no, sector: [工业, 农业]}` of a fact of events."""
    table = s.mapping("attributes", None) or {}
    out = []
    for name, raw in table.items():
        at = location_of(table, name, s.where("attributes")).at(f"{s.path} › attributes › {name}")
        if name in ("kind", "date", "title", "files"):
            s.problems.add(at, f"属性名「{name}」是事件本身的字段，不能再声明为属性")
        elif isinstance(raw, list) and raw and all(isinstance(v, (str, Decimal)) for v in raw):
            out.append(Attribute(str(name), "choice", tuple(str(v) for v in raw)))
        elif isinstance(raw, str) and raw in ATTRIBUTE_TYPES:
            out.append(Attribute(str(name), raw))
        else:
            s.problems.add(at, f"属性「{name}」的类型应为 {'、'.join(ATTRIBUTE_TYPES)} 之一，或可选值的列表，"
                               f"实际为{describe(raw)}", did_you_mean(str(raw), ATTRIBUTE_TYPES) if isinstance(raw, str)
                           else "")
    return tuple(out)


def read_where(f: Fields) -> tuple[AttributeTest, ...]:
    """`where: {responsible: true, deaths: {at_least: 2}, sector: 工业}`: every test must pass."""
    table = f.mapping("where", None) or {}
    tests = []
    for name, raw in table.items():
        at = location_of(table, name, f.where("where")).at(f"{f.path} › where › {name}")
        if isinstance(raw, dict):
            c = Fields(raw, at.path, f.problems, at=at)
            given = [(op, c.decimal(key, None)) for key, op in COMPARISONS.items() if c.has(key)]
            c.done()
            if len(given) != 1:
                f.problems.add(at, f"属性「{name}」的比较应恰好写一个：{'、'.join(COMPARISONS)}")
            elif given[0][1] is not None:
                tests.append(AttributeTest(str(name), op=given[0][0], threshold=given[0][1]))
        elif isinstance(raw, (bool, str, Decimal)):
            tests.append(AttributeTest(str(name), equals=str(raw) if isinstance(raw, Decimal) else raw))
        else:
            f.problems.add(at, f"属性「{name}」应写一个值（true、某个可选值）或比较（如 {{at_least: 2}}），"
                               f"实际为{describe(raw)}")
    return tuple(tests)


def read_selection(f: Fields, key: str) -> EventSelection | None:
    """`events: {fact: accidents, kinds: [较大, 重大], where: {…}}` on an item."""
    if not f.has(key):
        return None
    s = f.nested(key, f"{f.path} › {key}")
    if not s.ok:
        return None
    selection = EventSelection(fact=s.text("fact"), kinds=s.texts("kinds"), where=read_where(s), location=s.loc)
    s.done()
    return selection


def read_conditions(f: Fields) -> tuple[Condition, ...]:
    """`zero_if:` one condition or a list of them."""
    raw = f.raw("zero_if", None)
    if raw is None:
        return ()
    listed = raw if isinstance(raw, list) else [raw]
    out = []
    for index, entry in enumerate(listed):
        at = location_of(raw, index, f.where("zero_if")) if isinstance(raw, list) else f.where("zero_if")
        c = Fields(entry, f"{f.path} › zero_if" + (f"[{index + 1}]" if isinstance(raw, list) else ""),
                   f.problems, "映射（fact 或 item，以及 is 或比较）", at=at)
        if not c.ok:
            continue
        fact, item = c.text("fact", ""), c.text("item", "")
        if bool(fact) == bool(item):
            f.problems.add(c.loc, "前提条件须写 fact（事实）或 item（指标的填报值）之一")
        kinds = c.texts("any_kind")
        where = read_where(c)
        given = [(op, c.decimal(key, None)) for key, op in COMPARISONS.items() if c.has(key)]
        is_value = c.boolean("is", None)
        if len(given) > 1 or (given and is_value is not None):
            f.problems.add(c.loc, f"前提条件中只能给出一个比较：is 或 {'、'.join(COMPARISONS)} 之一")
        op, threshold = given[0] if given else ("", None)
        events = EventSelection(fact, kinds, where, location=c.loc) if (kinds or where) else None
        out.append(Condition(fact=fact, item=item, is_value=is_value, events=events, op=op if threshold is not None
                             else "", threshold=threshold, text=c.text("text", ""), location=c.loc))
        c.done()
    return tuple(out)


def check_references(ruleset: Ruleset, problems: Problems) -> None:
    """Names that only the whole ruleset can check: facts, event kinds and attributes, items read by others."""
    specs = {s.name: s for s in ruleset.facts}
    leaves = {i.id: i for i in ruleset.leaves()}
    items = {i.id: i for i in ruleset.all_items()}
    for item in ruleset.all_items():
        named = f"指标 {item.id}「{item.title}」"
        if item.events is not None:
            spec = check_selection(item.events, specs, problems, named)
            if spec is not None and item.value_kind not in COUNT_KINDS + ("records",):
                problems.add(item.events.location, f"{named}的评分方法 {item.method} 不能按事件计分",
                             "按事件计数可用于 deduct_per、add_per、brackets、threshold 等读个数或数值的方法，"
                             "以及 awards")
            if spec is not None and item.method == "awards":
                for level, _ in item.params.levels:
                    if spec.kinds and level not in spec.kinds:
                        problems.add(item.location.at(f"{item.id} › levels"),
                                     f"{named}的层级「{level}」不是事实「{spec.title}」声明的事件类型",
                                     did_you_mean(level, spec.kinds) or f"已声明：{'、'.join(spec.kinds)}")
        elif item.method == "awards":
            problems.add(item.location.at(item.id), f"{named}按奖励记录计分，须写 events 指明读取哪项事实",
                         "例如 events: {fact: awards}，事实的 kinds 为各层级")
        if item.from_results is not None and item.provider != "unit":
            problems.add(item.location.at(f"{item.id} › provider"),
                         f"{named}取自考核 {item.from_results.ruleset} 的评分结果，由单位在材料中写明结果文件，"
                         f"不能由{item.provider_label}评定", "去掉 provider，或改为 provider: unit")
        if item.value_of:
            source = leaves.get(item.value_of)
            if source is None:
                problems.add(item.location.at(f"{item.id} › value_of"),
                             f'{named}读取的指标 "{item.value_of}" 不是本细则的末级指标',
                             did_you_mean(item.value_of, leaves))
            elif not source.takes_entry:
                problems.add(item.location.at(f"{item.id} › value_of"),
                             f"{named}读取的指标 {source.id} 本身不是单位填报的值（它读取事件或其他指标）")
            elif source.value_kind != item.value_kind or source.unit != item.unit:
                problems.add(item.location.at(f"{item.id} › value_of"),
                             f"{named}与 {source.id}「{source.title}」的填报值类型或单位不同，不能读同一个值",
                             f"{source.id}：{source.method}（{source.unit or '无单位'}），"
                             f"本项：{item.method}（{item.unit or '无单位'}）")
        for cond in item.zero_if:
            _check_condition(cond, item, named, specs, items, problems)


def check_selection(selection: EventSelection, specs: dict[str, FactSpec], problems: Problems,
                    named: str) -> FactSpec | None:
    spec = specs.get(selection.fact)
    if spec is None:
        problems.add(selection.location, f'{named}读取的事实 "{selection.fact}" 未在 facts 中定义',
                     did_you_mean(selection.fact, specs))
        return None
    if spec.kind != "events":
        problems.add(selection.location, f"{named}读取的事实「{spec.title}」不是事件列表，无法按事件计数")
        return None
    for kind in selection.kinds:
        if spec.kinds and kind not in spec.kinds:
            problems.add(selection.location, f'{named}：事件类型 "{kind}" 未在事实「{spec.title}」的 kinds 中声明',
                         did_you_mean(kind, spec.kinds) or f"已声明：{'、'.join(spec.kinds)}")
    check_where(selection.where, spec, problems, selection.location, named)
    return spec


def check_where(tests, spec: FactSpec, problems: Problems, where: Location, named: str) -> None:
    for test in tests:
        attribute = spec.attribute(test.name)
        if attribute is None:
            declared = [a.name for a in spec.attributes]
            problems.add(where, f'{named}：事实「{spec.title}」的事件没有声明属性 "{test.name}"',
                         did_you_mean(test.name, declared) or (f"已声明：{'、'.join(declared)}" if declared
                                                              else "在 facts 中为它写 attributes"))
        elif test.op and attribute.type not in ("number", "count"):
            problems.add(where, f"{named}：属性「{test.name}」不是数值，不能用比较")
        elif not test.op and attribute.type in ("number", "count"):
            problems.add(where, f"{named}：属性「{test.name}」是数值，应写比较，如 {{at_least: 2}}")
        elif attribute.type == "yes_no" and not isinstance(test.equals, bool):
            problems.add(where, f"{named}：属性「{test.name}」是是/否值，应写 true 或 false")
        elif attribute.type == "choice" and test.equals not in attribute.choices:
            problems.add(where, f'{named}：属性「{test.name}」没有可选值 "{test.equals}"',
                         did_you_mean(str(test.equals), attribute.choices) or f"可选：{'、'.join(attribute.choices)}")


def _check_condition(cond: Condition, item: Item, named: str, specs: dict[str, FactSpec], items: dict[str, Item],
                     problems: Problems) -> None:
    if cond.fact:
        spec = specs.get(cond.fact)
        if spec is None:
            problems.add(cond.location, f'{named}的前提条件读取的事实 "{cond.fact}" 未在 facts 中定义',
                         did_you_mean(cond.fact, specs))
            return
        kind = spec.kind
        if cond.events is not None:
            check_selection(cond.events, specs, problems, named)
    elif cond.item:
        source = items.get(cond.item)
        if source is None or not source.is_leaf:
            problems.add(cond.location, f'{named}的前提条件读取的指标 "{cond.item}" 不是本细则的末级指标',
                         did_you_mean(cond.item, [i for i, x in items.items() if x.is_leaf]))
            return
        kind = {"yes_no": "yes_no", "count": "count", "number": "number"}.get(source.value_kind, "")
        if not kind:
            problems.add(cond.location, f"{named}的前提条件读取的 {source.id}「{source.title}」的填报值不是是/否、"
                                        "个数或数值，无法比较")
            return
    else:
        return
    if kind == "yes_no" and cond.is_value is None:
        problems.add(cond.location, f"{named}的前提条件读取是/否值，应写 is: true 或 is: false")
    elif kind != "yes_no" and cond.is_value is not None:
        problems.add(cond.location, f"{named}的前提条件读取的不是是/否值，不能用 is，"
                                    "应写 at_least、above、at_most 或 below")
    elif kind in ("number", "count") and not cond.op:
        problems.add(cond.location, f"{named}的前提条件应给出比较：at_least、above、at_most 或 below")
