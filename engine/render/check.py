"""The self-check report `kaohe check` prints (Chinese text) and its JSON form."""
from __future__ import annotations

from decimal import Decimal

from ..model import PROVIDERS, Ruleset, format_points
from ..selfcheck import SelfCheck
from .json import result_document


def check_text(ruleset: Ruleset, check: SelfCheck) -> str:
    r = check.result
    own_unscored = check.missing_values or check.missing_facts
    lines = [f"{r.unit} 自查结果 — {ruleset.title}（版本 {ruleset.version}）",
             f"暂定总分 {format_points(r.total)}，暂定等次 {r.grade}"
             + ("（有未能评分的项目，实际可能更低）" if own_unscored
                else f"（{len(check.pending)}项待评定，尚未计入）" if check.pending else ""),
             f"定级：{r.grade_reason}"]
    if r.evidence.self_total is not None and r.evidence.self_total != r.total:
        lines.append(f"自评总分 {format_points(r.evidence.self_total)} 分，按细则计算为 {format_points(r.total)} 分，"
                     f"相差 {format_points(r.evidence.self_total - r.total)} 分。")
    if check.cohort_items:
        ids = "、".join(x.item.id for x in check.cohort_items)
        lines.append(f"注意：{ids} 按名次计分，须与其他单位一起排名；自查时按第1名计，实际得分可能更低。")
    lines.append("")
    if check.ready:
        lines.append("✓ 没有缺少的填报值和佐证材料。")
    if check.missing_values:
        lines.append(f"缺少填报值（{len(check.missing_values)}项，评分时列为“未能评分”，不会按0分计）：")
        lines += [f"  {x.item.id} {x.item.title}：{x.reason}" for x in check.missing_values]
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
    if check.differences:
        lines += ["", f"自评得分与计算得分不一致（{len(check.differences)}项）："]
        for d in check.differences:
            lines.append(f"  {d.item.item.id} {d.item.item.title}：自评{format_points(d.self_score)}分，"
                         f"按细则计{format_points(d.item.score)}分 —— {d.item.reason}")
    lines.append("")
    if check.next_grade:
        n = check.next_grade
        lines.append(f"升到{n.grade}：{n.threshold}，还差{format_points(n.needed)}分。")
        by_key = list(dict.fromkeys(f.rule.title for f in r.fired if f.rule.trigger.key_items))
        if by_key:  # such a rule stops firing once the key items score enough: the sum above assumes it stays
            lines.append(f"（按已触发的“{'、'.join(by_key)}”计算；关键项得分达到要求后该规则不再触发，"
                         f"所需分数可能更少。）")
        if check.headroom:
            lines.append("还有失分的项目（按可增加的分数排列）：")
            for h in check.headroom:
                item = h.item.item
                if item.penalty:
                    now = f"扣分项，现扣{format_points(-h.item.score)}分"
                else:
                    now = f"现{format_points(h.item.score)}/{format_points(item.points)}" + (
                        f"，本项最高{format_points(item.max)}分" if item.max is not None else "")
                lines.append(f"  {item.id} {item.title}：还可增加{format_points(h.points)}分"
                             f"（{now}）—— {h.item.reason}")
    elif check.blocked:
        lines.append(f"等次：{check.blocked}。")
    for fired in r.fired:
        lines.append(f"已触发：{fired.rule.title}（依据：{ruleset.cite(fired.rule.citation)}）— {fired.detail}")
    lines += ["", check.verdict()]
    return "\n".join(lines) + "\n"


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
    total = format_points(check.result.total + check.pending_points)
    lines.append(f"待评定的项目现按0分计入暂定总分，评定后总分只会增加，最多增加{format_points(check.pending_points)}分"
                 f"（最高{total}分）。")
    return lines


def _points(item) -> str:
    """What a pending item is worth: 4分; 10分（最高15分）; 扣分项，最多扣5分."""
    if item.penalty:
        return f"扣分项，最多扣{format_points(item.points)}分" if item.points > 0 else "扣分项"
    return f"{format_points(item.points)}分" + (f"（最高{format_points(item.max)}分）" if item.max is not None else "")


def check_document(ruleset: Ruleset, check: SelfCheck) -> dict:
    n = check.next_grade
    return {
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
        "headroom": [{"id": h.item.item.id, "points": format_points(h.points)} for h in check.headroom],
        "verdict": {"ready": check.ready, "text": check.verdict(),
                    "pending": [{"id": x.item.id, "title": x.item.title, "provider": x.item.provider,
                                 "department": x.item.department if x.item.provider == "department" else "",
                                 "points": format_points(x.item.points)} for x in check.pending],
                    "pending_points": format_points(check.pending_points)},
    }
