"""The self-check report `kaohe check` prints (Chinese text) and its JSON form."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from ..diff import simple_triggers
from ..model import PROVIDERS, Ruleset, format_points
from ..selfcheck import SelfCheck, reads_last_year
from .json import result_document
from .sheet import quota_text

CENT = Decimal("0.01")


def check_text(ruleset: Ruleset, check: SelfCheck) -> str:
    r = check.result
    own_unscored = check.missing_values or check.missing_facts
    lines = [f"{r.unit} 自查结果 — {ruleset.title}（版本 {ruleset.version}）",
             f"暂定总分 {format_points(r.total)}，暂定等次 {r.grade}"
             + (_open_words(check) if own_unscored
                else f"（{len(check.pending)}项待评定，尚未计入）" if check.pending else ""),
             f"定级：{r.grade_reason}"]
    if r.evidence.self_total is not None and r.evidence.self_total != r.total:
        lines.append(f"自评总分 {format_points(r.evidence.self_total)} 分，按细则计算为 {format_points(r.total)} 分，"
                     f"相差 {format_points(r.evidence.self_total - r.total)} 分。")
    if check.cohort_items:
        ids = "、".join(x.item.id for x in check.cohort_items)
        lines.append(f"注意：{ids} 按名次计分，须与其他单位一起排名；自查时按第1名计，实际得分可能更低。")
    if check.quota is not None:
        labels = ruleset.grading.labels
        lower = labels[labels.index(check.quota.label) + 1]
        lines.append(f"注意：{check.quota.label}有名额限制（{quota_text(check.quota)}），须与其他单位的总分比较后确定；"
                     f"自查时未按名额调整，未进入名额的为{lower}。")
    lines += [f"说明：{text}。" for text in check.unjudged]
    lines.append("")
    if check.ready:
        lines.append("✓ 没有缺少的填报值和佐证材料。")
    if check.missing_values:
        lines.append(f"缺少填报值（{len(check.missing_values)}项，评分时列为“未能评分”，不会按0分计）：")
        lines += [f"  {x.item.id} {x.item.title}：{x.reason}" for x in check.missing_values]
    if check.not_applicable:
        points = format_points(sum((x.item.points for x in check.not_applicable), Decimal(0)))
        lines.append(f"填报为不适用（{len(check.not_applicable)}项，共{points}分，不计分，按得分率折算；请确认确实不适用）：")
        lines += [f"  {x.item.id} {x.item.title}：{format_points(x.item.points)}分" for x in check.not_applicable]
    if check.missing_facts:
        specs = {s.name: s.title for s in ruleset.facts}
        readers = dict(check.fact_readers)
        by_items = any(not reader.startswith("结果规则") for name in check.missing_facts
                       for reader in readers.get(name, ()))
        if not by_items:  # read by outcome rules only: worded as before
            lines.append("缺少结果规则要读的事实（没有也要写明，例如没有事件写“无”或 []）：")
            lines += [f"  {name}（{specs.get(name, name)}）" for name in check.missing_facts]
        else:
            lines.append("缺少事实（没有也要写明，例如没有事件写“无”或 []）：")
            for name in check.missing_facts:
                who = "；".join(readers.get(name, ()))
                lower = " —— 补报后得分可能降低" if name in check.lowering else ""
                lines.append(f"  {name}（{specs.get(name, name)}）" + (f"：{who}" if who else "") + lower)
    if check.missing_files:
        lines.append(f"缺少佐证材料（{len(check.missing_files)}项）：")
        lines += [f"  {x.item.id} {x.item.title}：需提交 {'、'.join(x.item.materials)}" for x in check.missing_files]
    lines += _pending_lines(check)
    lines += _excluded_lines(check)
    if check.warnings:
        lines += ["", f"请核对以下填报值（{len(check.warnings)}项提醒，不影响报送）："]
        lines += [f"  提醒：{_warning(w)}" for w in check.warnings]
    if check.differences:
        lines += ["", f"自评得分与计算得分不一致（{len(check.differences)}项）："]
        for d in check.differences:
            lines.append(f"  {d.item.item.id} {d.item.item.title}：自评{format_points(d.self_score)}分，"
                         f"按细则计{format_points(d.item.score)}分 —— {d.item.reason}")
    lines.append("")
    if check.next_grade:
        n = check.next_grade
        capped = next((q for q in ruleset.grading.quotas if q.label == n.grade), None)
        lines.append(f"升到{n.grade}：{n.threshold}，还差{format_points(n.needed)}分。"
                     + (f"（{n.grade}有名额限制：{quota_text(capped)}，须与其他单位比较。）" if capped else ""))
        by_key = list(dict.fromkeys(f.rule.title for f in r.fired
                                    if any(t.key_items for t in simple_triggers(f.rule.trigger))))
        if by_key:  # such a rule stops firing once the key items score enough: the sum above assumes it stays
            lines.append(f"（按已触发的“{'、'.join(by_key)}”计算；关键项得分达到要求后该规则不再触发，"
                         f"所需分数可能更少。）")
        if unscored_line(check):
            lines.append(unscored_line(check))
        if check.headroom:
            lines.append("还有失分的项目（按可增加的分数排列）：")
            for h in check.headroom:
                item = h.item.item
                if item.penalty:
                    now = f"扣分项，现扣{format_points(-h.item.score)}分"
                else:
                    now = f"现{format_points(h.item.score)}/{format_points(item.points)}" + (
                        f"，本项最高{format_points(item.max)}分" if item.max is not None else "")
                if h.on_total is not None:
                    now += f"；折算后总分最多增加{_about(h.on_total)}分"
                lines.append(f"  {item.id} {item.title}：还可增加{format_points(h.points)}分"
                             f"（{now}）—— {h.item.reason}")
    elif check.blocked:
        lines.append(f"等次：{check.blocked}。")
    for fired in r.fired:
        then = f"；后果：{fired.rule.consequence}" if fired.rule.consequence else ""
        lines.append(f"已触发：{fired.rule.title}（依据：{ruleset.cite(fired.rule.citation)}）— {fired.detail}{then}")
    lines += ["", check.verdict()]
    return "\n".join(lines) + "\n"


def _open_words(check: SelfCheck) -> str:
    """What the missing values and facts can still do to the provisional total: unscored items count 0 now, so
    filling them can only raise it; a missing fact (or a deduction's value) can lower it, by a deduction, a veto or
    a downgrade."""
    shown = _about if check.factors else format_points
    points = check.unscored_points
    rise = f"有未能评分的项目，现按0分计，补填后总分只会增加，最多增加{shown(points)}分" if points > 0 else ""
    what = "、".join(x for x, found in (("缺少的事实", check.lowering or check.outcome_facts),
                                         ("扣分项的填报值", check.lowering_values)) if found)
    if check.can_lower:
        fall = f"{what}补报后可能扣分或触发否决、降级，实际可能更低"
        return f"（{rise.replace('只会增加', '可能增加')}；{fall}）" if rise else f"（{fall}）"
    return f"（{rise}）" if rise else "（有未能评分的项目）"


def unscored_line(check: SelfCheck) -> str:
    """Whether the points not scored yet (the unit's own and those others provide) could reach the next grade."""
    n = check.next_grade
    shown = _about if check.factors else format_points
    own, others = check.unscored_points, check.pending_points
    if n is None or n.needed <= 0 or own + others <= 0:
        return ""
    parts = ([f"本单位未能评分{len(check.unscored)}项{shown(own)}分"] if own > 0 else []) + (
        [f"待评定{len(check.pending)}项{shown(others)}分"] if others > 0 else [])
    total = own + others
    if total >= n.needed:
        reach = f"这些项目再得{format_points(n.needed)}分即可升到{n.grade}"
    else:
        reach = f"即使全部得满分，也还差{shown(n.needed - total)}分，须在已失分的项目上提高"
    return f"尚未评分的项目现按0分计，最多可增加{shown(total)}分（{'、'.join(parts)}）：{reach}。"


def _excluded_lines(check: SelfCheck) -> list[str]:
    """Events given but outside the counted period: listed with why, never dropped without a word."""
    if not check.excluded_events:
        return []
    lines = [f"未计入的事件（{len(check.excluded_events)}起，日期不在本年度计入的期间内）："]
    lines += [f"  {f'{e.date} {e.kind} {e.title}'.strip()}（{why}）" for _, e, why in check.excluded_events]
    return lines


def _warning(problem) -> str:
    """甲县.yaml:5:3：二.1「投入」：填报值 0.936% 可能是……（指标 二.1「投入」 › 填报值）；请核对后再报送……"""
    path = f"（{problem.location.path}）" if problem.location.path else ""
    hint = f"；{problem.hint}" if problem.hint else ""
    return f"{problem.location}：{problem.message}{path}{hint}"


def _about(value: Decimal) -> str:
    """Two decimals at most; 约 where that rounds (a fold by 按得分率折算 rarely comes out even)."""
    shown = value.quantize(CENT, rounding=ROUND_HALF_UP)
    return ("" if shown == value else "约") + format_points(shown)


def _pending_lines(check: SelfCheck) -> list[str]:
    """The items others provide that have not come yet, by provider, with the points at stake."""
    if not check.pending:
        return []
    lines = []
    for kind in ("inspection", "department"):
        found = [x for x in check.pending if x.item.provider == kind]
        if found:
            points = format_points(sum((x.item.cap for x in found if not x.item.penalty), Decimal(0)))
            lines.append(f"待{PROVIDERS[kind]}评定（{len(found)}项，共{points}分，不需本单位填报）：")
            lines += [f"  {x.item.id} {x.item.title}：{_points(x.item)}"
                      + (f"（{x.item.department}）" if kind == "department" else "") for x in found]
    shown = _about if check.factors else format_points  # weights and 按得分率折算 rarely come out even
    total = shown(check.result.total + check.pending_points)
    lines.append(f"待评定的项目现按0分计入暂定总分，评定后总分只会增加，最多增加{shown(check.pending_points)}分"
                 f"（最高{total}分）。")
    return lines


def _points(item) -> str:
    """What a pending item is worth: 4分; 10分（最高15分）; 扣分项，最多扣5分."""
    if item.penalty:
        return f"扣分项，最多扣{format_points(item.points)}分" if item.points > 0 else "扣分项"
    return f"{format_points(item.points)}分" + (f"（最高{format_points(item.max)}分）" if item.max is not None else "")


def check_document(ruleset: Ruleset, check: SelfCheck) -> dict:
    n = check.next_grade
    folds = ruleset.rescale or any(i.weight is not None or i.rescale for i in ruleset.all_items())
    document = {
        "format": "kaohe.check/1",
        "result": result_document(ruleset, check.result),
        "ready": check.ready,
        "missing_values": [x.item.id for x in check.missing_values],
        "missing_facts": list(check.missing_facts),
        **({"missing_fact_readers": {name: list(who) for name, who in check.fact_readers},
            "missing_facts_lowering": list(check.lowering)}
           if any(not w.startswith("结果规则") for _, who in check.fact_readers for w in who) else {}),
        "missing_files": [{"id": x.item.id, "materials": list(x.item.materials)} for x in check.missing_files],
        "differences": [{"id": d.item.item.id, "self_score": format_points(d.self_score),
                         "score": format_points(d.item.score), "reason": d.item.reason} for d in check.differences],
        "cohort_items": [x.item.id for x in check.cohort_items],
        "next_grade": None if n is None else {"grade": n.grade, "needed": format_points(n.needed),
                                              "threshold": n.threshold},
        "blocked": check.blocked,
        "headroom": [{"id": h.item.item.id, "points": format_points(h.points)}
                     | ({"on_total": _cents(h.gain)} if folds else {}) for h in check.headroom],
        "verdict": {"ready": check.ready, "text": check.verdict(),
                    "pending": [{"id": x.item.id, "title": x.item.title, "provider": x.item.provider,
                                 "department": x.item.department if x.item.provider == "department" else "",
                                 "points": format_points(x.item.points)} for x in check.pending],
                    "pending_points": (_cents if check.factors else format_points)(check.pending_points)},
    }
    # Only where the ruleset uses them, so the documents of other rulesets keep their bytes.
    if any(i.may_not_apply for i in ruleset.all_items()):
        document["not_applicable"] = [x.item.id for x in check.not_applicable]
    if any(reads_last_year(rule.trigger) for rule in ruleset.outcomes):
        document["unjudged"] = list(check.unjudged)
    if check.excluded_events:  # only when some event was left out, so other documents keep their bytes
        document["excluded_events"] = [{"fact": name, "date": str(e.date), "kind": e.kind, "title": e.title,
                                        "reason": why} for name, e, why in check.excluded_events]
    if ruleset.grading.quotas:
        document["quota"] = None if check.quota is None else {"label": check.quota.label,
                                                              "text": quota_text(check.quota)}
    return document


def _cents(value: Decimal) -> str:
    return format_points(value.quantize(CENT, rounding=ROUND_HALF_UP))
