"""What the evidence says for a condition or an item that does not read an entry of its own: the events of a fact
that count (kinds, period, attributes), another item's filed value, and whether a precondition (zero_if) holds."""
from __future__ import annotations

from decimal import Decimal

from .model import AttributeTest, Condition, Event, EventSelection, Evidence, Item, Ruleset, format_points

_OPS = {
    ">=": lambda a, b: a >= b, ">": lambda a, b: a > b, "<=": lambda a, b: a <= b, "<": lambda a, b: a < b,
}


COMPARISON_WORDS = {">=": "不少于", ">": "多于", "<=": "不超过", "<": "少于"}


def attribute_test_text(test: AttributeTest) -> str:
    """responsible 为是；deaths 不少于2；sector 为工业 — an event attribute's test, as a sheet or a diff words it."""
    if test.op:
        return f"{test.name} {COMPARISON_WORDS.get(test.op, test.op)}{format_points(test.threshold)}"
    if isinstance(test.equals, bool):
        return f"{test.name} 为{'是' if test.equals else '否'}"
    return f"{test.name} 为{test.equals}"


def compare(value: Decimal, op: str, threshold: Decimal) -> bool:
    return _OPS[op](value, threshold)


def passes(event: Event, test: AttributeTest) -> bool:
    value = event.attribute(test.name)
    if value is None:
        return False  # an attribute the unit did not give never satisfies a test on it
    if test.op:
        return compare(Decimal(value), test.op, test.threshold)
    return value == test.equals


def counted_events(events: tuple[Event, ...], kinds: tuple[str, ...], ruleset: Ruleset,
                   where: tuple[AttributeTest, ...] = ()) -> list[Event]:
    """Events of the given kinds within the period, or after it but before results are published, whose
    attributes pass every test of `where`."""
    last = ruleset.period.events_until or ruleset.period.end
    return [e for e in events if (not kinds or e.kind in kinds)
            and (e.date is None or ruleset.period.start <= e.date <= last)
            and all(passes(e, test) for test in where)]


def outside_period(event: Event, ruleset: Ruleset) -> str:
    """Why a dated event is not counted this year, in words ('' when it is within the counted period):
    （在考核期 2014-01-01 至 2014-12-31、结果公布前 2015-03-31 之后，不计入本年度）. Same bounds as counted_events."""
    period = ruleset.period
    last = period.events_until or period.end
    if event.date is None or period.start <= event.date <= last:
        return ""
    span = f"考核期 {period.start} 至 {period.end}"
    if event.date < period.start:
        return f"在{span} 之前，不计入本年度"
    until = f"、结果公布前 {period.events_until}" if period.events_until and period.events_until != period.end else ""
    return f"在{span}{until} 之后，不计入本年度"


def excluded_events(ruleset: Ruleset, evidence: Evidence,
                    fact: str | None = None) -> tuple[tuple[str, Event, str], ...]:
    """(fact name, event, why) of each event given that counted_events leaves out for its date: what it counts is
    unchanged, this says what it did not count and why. `fact`: only that fact's events."""
    out = []
    for spec in ruleset.facts:
        events = evidence.facts.get(spec.name)
        if spec.kind != "events" or not events or (fact is not None and spec.name != fact):
            continue
        out += [(spec.name, e, why) for e in events if (why := outside_period(e, ruleset))]
    return tuple(out)


def excluded_text(events: tuple[Event, ...] | list[Event], kinds: tuple[str, ...], ruleset: Ruleset) -> str:
    """未计入1起：2015-04-02 一般 某事故（在考核期 … 之后，不计入本年度）; '' when none is left out for its date."""
    out = [f"{e.date} {e.kind} {e.title}".strip() + f"（{why}）" for e in events
           if (not kinds or e.kind in kinds) and (why := outside_period(e, ruleset))]
    return f"未计入{len(out)}起：{'；'.join(out)}" if out else ""


def listed(events: list[Event]) -> str:
    """2014-03-01 较大 某某事故；…"""
    return "；".join(f"{e.date or '日期未填'} {e.kind} {e.title}".strip() for e in events)


def selected(selection: EventSelection, ruleset: Ruleset, evidence: Evidence) -> list[Event] | None:
    """The events an item or condition counts; None when the unit has not given the fact."""
    events = evidence.facts.get(selection.fact)
    if events is None:
        return None
    return counted_events(events, selection.kinds, ruleset, selection.where)


def fact_title(ruleset: Ruleset, name: str) -> str:
    return next((s.title for s in ruleset.facts if s.name == name), name)


def item_value(item: Item, ruleset: Ruleset, evidence: Evidence):
    """(value, what it came from in words, why it is missing): an item's value from its own entry, from the events
    it counts, or from the item whose value it reads."""
    if item.events is not None:
        events = selected(item.events, ruleset, evidence)
        if events is None:
            return None, "", f"缺少事实「{fact_title(ruleset, item.events.fact)}」，无法评分"
        if item.value_kind == "records":  # the method names each record itself
            return tuple(events), "", ""
        found = f"计入{len(events)}起（{listed(events)}）" if events else ""
        left_out = excluded_text(evidence.facts[item.events.fact], item.events.kinds, ruleset)
        found = "；".join(x for x in (found, left_out) if x)
        return (Decimal(len(events)) if item.value_kind == "number" else len(events)), found, ""
    source = item.value_of or item.id
    entry = evidence.entries.get(source)
    if entry is None or entry.value is None:
        return None, "", ("缺少填报值，无法评分" if not item.value_of else f"缺少 {source} 的填报值，无法评分")
    return entry.value, (f"读取 {source} 的填报值" if item.value_of else ""), ""


def condition_holds(cond: Condition, ruleset: Ruleset, evidence: Evidence) -> tuple[bool | None, str]:
    """(whether the precondition holds, what was found in words); None when the data it reads is missing."""
    if cond.item:
        source = ruleset.item(cond.item)
        value, _, _ = item_value(source, ruleset, evidence)
        name = f"{source.id}「{source.title}」"
        if value is None:
            return None, f"缺少{name}的填报值"
        if cond.is_value is not None:
            return value == cond.is_value, f"{name}：{'是' if value else '否'}"
        return compare(Decimal(value), cond.op, cond.threshold), f"{name}：{format_points(Decimal(value))}{source.unit}"
    spec = next(s for s in ruleset.facts if s.name == cond.fact)
    value = evidence.facts.get(cond.fact)
    if value is None:
        return None, f"缺少事实「{spec.title}」"
    if spec.kind == "events":
        events = counted_events(value, cond.events.kinds if cond.events else (), ruleset,
                                cond.events.where if cond.events else ())
        op, threshold = (cond.op, cond.threshold) if cond.op else (">=", Decimal(1))
        left_out = excluded_text(value, cond.events.kinds if cond.events else (), ruleset)
        return (compare(Decimal(len(events)), op, threshold),
                f"{spec.title}：计入{len(events)}起" + (f"（{listed(events)}）" if events else "")
                + (f"；{left_out}" if left_out else ""))
    if spec.kind == "yes_no":
        return value == cond.is_value, f"{spec.title}：{'是' if value else '否'}"
    return compare(Decimal(value), cond.op, cond.threshold), f"{spec.title}：{format_points(Decimal(value))}"
