"""kaohe round …: the office's record of a year's assessment (kaohe.round), one verb per action."""
from __future__ import annotations

import datetime as dt
import getpass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from zoneinfo import ZoneInfo

import click

from kaohe.engine import format_points
from kaohe.engine.render.json import dumps

from .chinese import INTEGER
from .options import json_option, ruleset_argument

DEFAULT_DATABASE = "kaohe.sqlite3"
CHINA = ZoneInfo("Asia/Shanghai")  # deadlines are written in office time
FIRST_VALUE_SHOWN = ("enter", "adjust")  # the log shows what was given, even with nothing before it


def _open(ctx: click.Context, creating: bool = False) -> None:
    from kaohe.round.database import open_database
    open_database(ctx.obj["db"], creating)


def _actor(ctx: click.Context) -> str:
    return ctx.obj["by"]


def _when(text: str | None, what: str, end_of_day: bool = True) -> dt.datetime | None:
    """2015-01-31 (the end of that day) or 2015-01-31T17:30, in China time."""
    if not text:
        return None
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        raise click.BadParameter(f"应为日期或时间，如 2015-01-31 或 2015-01-31T17:30，实际为 {text!r}",
                                 param_hint=what) from None
    if len(text) <= 10 and end_of_day:
        parsed = parsed.replace(hour=23, minute=59, second=59)
    return parsed.replace(tzinfo=CHINA) if parsed.tzinfo is None else parsed


def _number(text: str | None, what: str) -> Decimal | None:
    if text is None:
        return None
    try:
        value = Decimal(text.strip().replace("％", "").replace("%", ""))
    except InvalidOperation:
        raise click.BadParameter(f"应为数字，实际为 {text!r}", param_hint=what) from None
    if not value.is_finite():
        raise click.BadParameter(f"应为数字，实际为 {text!r}", param_hint=what)
    return value


def _value(text: str | None):
    """A value typed on the command line, read as the evidence loader reads YAML (数字, 是/否, text, lists)."""
    if text is None:
        return None
    from kaohe.engine.loading import parse_text
    return parse_text(text, "--value")


def _emit(as_json: bool, document: dict, text: str) -> None:
    click.echo(dumps(document) if as_json else text, nl=not as_json)


def _local(at: dt.datetime | None) -> str:
    return at.astimezone(CHINA).strftime("%Y-%m-%d %H:%M") if at else ""


@click.group(name="round", options_metavar="[选项]", subcommand_metavar="命令 [参数]...")
@click.option("--db", envvar="KAOHE_DB", default=DEFAULT_DATABASE, show_default=True, metavar="文件或地址",
              help="考核轮次数据库：SQLite 文件，或 PostgreSQL 地址 postgresql://用户@主机/库名（环境变量 KAOHE_DB）。")
@click.option("--by", envvar="KAOHE_USER", default=None, metavar="姓名",
              help="操作人，记入日志（环境变量 KAOHE_USER；默认为系统用户名）。")
@click.pass_context
def round_group(ctx: click.Context, db: str, by: str | None) -> None:
    """考核轮次：报送、考核组评分、牵头部门评分、调整、公示、申诉、最终结果，全部记入数据库并留痕。

    \b
    示例：
      kaohe round new rulesets/wenzhou-2014 --code wenzhou-2014 --deadline 2015-01-31
      kaohe round submit wenzhou-2014 rulesets/wenzhou-2014/samples/01-鹿城区.yaml
      kaohe round status wenzhou-2014
      kaohe round judge wenzhou-2014 鹿城区 二.7 3.5 --group 第二组 --reason 现场核查台账
      kaohe round publish wenzhou-2014 --notice --appeal-until 2015-03-20
      kaohe round verify
    """
    ctx.ensure_object(dict)
    ctx.obj["db"] = db
    ctx.obj["by"] = (by or "").strip() or getpass.getuser()


@round_group.command()
@ruleset_argument
@click.option("--code", required=True, metavar="代号", help="轮次代号，如 wenzhou-2014。")
@click.option("--title", default="", metavar="名称", help="轮次名称（默认为细则标题）。")
@click.option("--deadline", "due", metavar="日期", help="报送截止，如 2015-01-31（当天24时前）。")
@click.option("--previous", default="", metavar="代号", help="上一年度的轮次。")
@click.option("--group", "groups", multiple=True, metavar="组=单位,单位",
              help="考核组分工，如 第一组=鹿城区,龙湾区；可写多次。")
@json_option
@click.pass_context
def new(ctx, ruleset, code, title, due, previous, groups, as_json) -> None:
    """建立考核轮次：冻结细则（连同 extends 链上的每个文件及其摘要）、名单和报送截止时间。"""
    assignments = {}
    for text in groups:
        group, _, units = text.partition("=")
        if not group.strip() or not units.strip():
            raise click.BadParameter(f"应写成 组名=单位,单位，实际为 {text!r}", param_hint="--group")
        for unit in units.replace("，", ",").replace("、", ",").split(","):
            if unit.strip():
                assignments[unit.strip()] = group.strip()
    due_at = _when(due, "--deadline")
    _open(ctx, creating=True)
    from kaohe.round import actions
    round_ = actions.new_round(ruleset, code, title, _actor(ctx), due_at, previous, assignments)
    names = list(round_.roster.order_by("position").values_list("name", flat=True))
    document = {"code": round_.code, "title": round_.title, "ruleset": round_.ruleset_id,
                "version": round_.ruleset_version, "digest": round_.ruleset_digest, "units": names,
                "deadline": _local(due_at) or None, "files": [f.path for f in round_.ruleset_files.all()]}
    _emit(as_json, document, f"已建立考核轮次 {round_.code}：{round_.title}\n"
          f"细则 {round_.ruleset_id} 版本 {round_.ruleset_version}（摘要 {round_.ruleset_digest[:12]}），"
          f"{len(names)} 个单位" + (f"，报送截止 {_local(due_at)}" if due_at else ""))


@round_group.command()
@click.argument("code", metavar="轮次")
@click.argument("due", metavar="日期")
@click.option("--reason", default="", metavar="理由", help="更改的理由（必填）。")
@json_option
@click.pass_context
def deadline(ctx, code, due, reason, as_json) -> None:
    """更改报送截止时间（记入日志）。"""
    due_at = _when(due, "日期")
    _open(ctx)
    from kaohe.round import actions
    actions.set_deadline(code, due_at, reason, _actor(ctx))
    _emit(as_json, {"code": code, "deadline": _local(due_at)}, f"{code} 的报送截止时间改为 {_local(due_at)}")


@round_group.command()
@click.argument("code", metavar="轮次")
@click.argument("group", metavar="考核组")
@click.argument("units", nargs=-1, required=True, metavar="单位...")
@json_option
@click.pass_context
def assign(ctx, code, group, units, as_json) -> None:
    """指定考核组负责的单位。"""
    _open(ctx)
    from kaohe.round import actions
    actions.assign(code, group, list(units), _actor(ctx))
    _emit(as_json, {"code": code, "group": group, "units": list(units)}, f"{group} 负责：{'、'.join(units)}")


@round_group.command()
@click.argument("code", metavar="轮次")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path), metavar="文件...")
@click.option("--unit", default="", metavar="单位", help="报送单位（默认取材料中填写的单位）。")
@json_option
@click.pass_context
def submit(ctx, code, files, unit, as_json) -> None:
    """记录单位的报送（YAML、JSON 或填好的填报表 .xlsx）：原文件、摘要、时间、报送人和校验结果。

    未通过校验的报送也会记下（连同全部问题），但不计入评分；逾期报送照收并标明逾期。
    有未通过校验的文件时退出码 1。
    """
    _open(ctx)
    from kaohe.round import actions
    outcomes = actions.submit_many(code, list(files), _actor(ctx), unit)
    lines, documents = [], []
    for path, outcome in zip(files, outcomes, strict=True):
        s = outcome.submission
        state = "通过校验" if s.accepted else "未通过校验，不计入评分"
        lines.append(f"{s.unit} 第{s.version}版（{path.name}，摘要 {s.digest[:12]}）：{state}"
                     + ("；逾期报送" if s.late else ""))
        lines.extend(f"  {p}" for p in outcome.problems)
        lines.extend(f"  未计入：{d}" for d in outcome.dropped)
        documents.append({"unit": s.unit, "version": s.version, "file": path.name, "digest": s.digest,
                          "accepted": s.accepted, "late": s.late, "problems": list(outcome.problems),
                          "dropped": list(outcome.dropped), "at": _local(s.at)})
    _emit(as_json, {"code": code, "submissions": documents}, "\n".join(lines))
    if not all(o.submission.accepted for o in outcomes):
        raise click.exceptions.Exit(1)


@round_group.command()
@click.argument("code", metavar="轮次")
@click.argument("unit", metavar="单位")
@click.argument("item", metavar="指标")
@click.argument("value", metavar="得分或值")
@click.option("--group", "party_group", default="", metavar="考核组", help="评分的考核组（考核组评定的指标）。")
@click.option("--department", default="", metavar="部门", help="评定的牵头部门（牵头部门评定的指标）。")
@click.option("--reason", default="", metavar="理由", help="评分理由（考核组评分必填）。")
@json_option
@click.pass_context
def judge(ctx, code, unit, item, value, party_group, department, reason, as_json) -> None:
    """考核组或牵头部门为一个单位的一项给出得分（judged）或值。"""
    _open(ctx)
    from kaohe.round import actions
    party = party_group or department
    entry = actions.judge(code, unit, item, _value(value), reason, party, _actor(ctx))
    _emit(as_json, {"code": code, "unit": unit, "item": item, "party": entry.party, "value": value},
          f"已记录：{entry.party} 评定 {unit} {item} 为 {value}")


@round_group.command()
@click.argument("code", metavar="轮次")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path), metavar="工作簿...")
@json_option
@click.pass_context
def enter(ctx, code, files, as_json) -> None:
    """读入考核组或牵头部门填好的工作簿（kaohe template --department / --inspection 生成），逐行记录录入人。"""
    _open(ctx)
    from kaohe.round import actions
    documents, lines = [], []
    for path in files:
        entries = actions.enter(code, path, _actor(ctx))
        documents.append({"file": path.name, "entries": len(entries)})
        lines.append(f"{path.name}：记录 {len(entries)} 项")
    _emit(as_json, {"code": code, "files": documents}, "\n".join(lines))


@round_group.command()
@click.argument("code", metavar="轮次")
@click.argument("unit", metavar="单位")
@click.argument("item", metavar="指标")
@click.option("--value", default=None, metavar="值", help="更正后的填报值。")
@click.option("--score", default=None, metavar="得分", help="更正后的得分（直接调整本项得分）。")
@click.option("--reason", default="", metavar="理由", help="调整理由（必填），如 实地核查发现……")
@click.option("--expect", default=None, metavar="原值",
              help="您看到的原值；与数据库中的当前值不同时不写入（防止两人同时修改）。")
@json_option
@click.pass_context
def adjust(ctx, code, unit, item, value, score, reason, expect, as_json) -> None:
    """调整：实地核查后更正一个单位某项的填报值或得分，写明理由；原值 → 新值记入日志。"""
    _open(ctx)
    from kaohe.round import actions
    row = actions.adjust(code, unit, item, reason, _actor(ctx), value=_value(value), score=_number(score, "--score"),
                         expect=actions.UNCHECKED if expect is None else _value(expect))
    from kaohe.round import jsondata
    before, after = jsondata.load(row.before), jsondata.load(row.after)
    if row.kind == "value":
        old = before.get("value") if isinstance(before, dict) else before
        change = f"填报值 {jsondata.dump(old)} → {jsondata.dump(after['value'])}"
    else:
        change = f"得分调整为 {format_points(after['score'])} 分"
    _emit(as_json, {"code": code, "unit": unit, "item": item, "kind": row.kind, "before": row.before,
                    "after": row.after, "reason": row.reason}, f"已调整 {unit} {item}：{change}（理由：{row.reason}）")


@round_group.command()
@click.argument("code", metavar="轮次")
@click.argument("unit", metavar="单位")
@click.option("--item", "items", multiple=True, metavar="指标", help="有异议的指标，可写多次。")
@click.option("--reason", default="", metavar="理由", help="申诉理由（必填）。")
@click.option("--file", "files", multiple=True, type=click.Path(path_type=Path), metavar="文件",
              help="申诉附件（PDF、JPG、PNG、.docx、.xlsx），可写多次。")
@json_option
@click.pass_context
def appeal(ctx, code, unit, items, reason, files, as_json) -> None:
    """单位在公示期内提出申诉（复核申请），可附佐证材料。"""
    _open(ctx)
    from kaohe.engine.loading import read_bytes
    from kaohe.round import actions
    from kaohe.round.attachments import MAX_BYTES, Attachment
    attached = [Attachment(path.name, read_bytes(path, MAX_BYTES)) for path in files]
    row = actions.appeal(code, unit, list(items), reason, _actor(ctx), attached)
    _emit(as_json, {"code": code, "number": row.number, "unit": unit, "items": list(items), "reason": row.reason,
                    "files": [{"name": a.name, "sha256": a.digest} for a in attached]},
          f"已受理第{row.number}号申诉：{unit}（{'、'.join(items)}）"
          + (f"，附件 {len(attached)} 个" if attached else ""))


@round_group.command()
@click.argument("code", metavar="轮次")
@click.argument("number", type=INTEGER, metavar="申诉编号")
@click.option("--uphold", "upheld", flag_value=True, default=None, help="维持申诉（更正数值）。")
@click.option("--reject", "upheld", flag_value=False, help="驳回申诉。")
@click.option("--item", default="", metavar="指标", help="维持时更正的指标（申诉只涉及一项时可省略）。")
@click.option("--value", default=None, metavar="值", help="维持时更正后的填报值。")
@click.option("--score", default=None, metavar="得分", help="维持时更正后的得分。")
@click.option("--reason", default="", metavar="理由", help="决定理由（必填）。")
@json_option
@click.pass_context
def decide(ctx, code, number, upheld, item, value, score, reason, as_json) -> None:
    """对申诉作出决定：维持（成为一次调整）或驳回，写明理由。"""
    if upheld is None:
        raise click.UsageError("请选择 --uphold（维持）或 --reject（驳回）")
    _open(ctx)
    from kaohe.round import actions
    row = actions.decide(code, number, upheld, reason, _actor(ctx), item, _value(value), _number(score, "--score"))
    word = "维持" if upheld else "驳回"
    _emit(as_json, {"code": code, "number": number, "upheld": upheld, "reason": row.reason},
          f"第{number}号申诉：{word}（{row.reason}）")


def _results_text(document: dict) -> list[str]:
    lines = ["名次  单位    总分   等次"]
    for unit in sorted(document["units"], key=lambda u: (u["rank"], u["unit"])):
        lines.append(f"{unit['rank']:<5} {unit['unit']}  {unit['total']}  {unit['grade']}")
    return lines


def _provisional_note(run, document: dict) -> str:
    """：暂定（未报送：泰顺县；2个单位有未评分的指标）, or nothing for a complete scoring."""
    if not run.provisional:
        return ""
    scored = {u["unit"] for u in document["units"]}
    missing = [u for u in run.round.roster.order_by("position").values_list("name", flat=True) if u not in scored]
    incomplete = sum(1 for u in document["units"] if not u["complete"])
    parts = ([f"未报送：{'、'.join(missing)}"] if missing else []) + (
        [f"{incomplete}个单位有未评分的指标"] if incomplete else [])
    return f"：暂定（{'；'.join(parts)}）"


@round_group.command()
@click.argument("code", metavar="轮次")
@click.option("--provisional", is_flag=True,
              help="有单位未报送、或有未评分的指标时仍评分，结果为暂定（名次类指标和按名次定级注明暂定）。")
@json_option
@click.pass_context
def score(ctx, code, provisional, as_json) -> None:
    """按记录中的报送、评定和调整为本轮次评分，记下这次评分。"""
    import json as jsonlib
    _open(ctx)
    from kaohe.round import actions
    run = actions.score(code, _actor(ctx), provisional)
    document = jsonlib.loads(run.document)
    header = f"第{run.number}次评分（结果摘要 {run.digest[:12]}）" + _provisional_note(run, document)
    _emit(as_json, {"code": code, "run": run.number, "provisional": run.provisional, "digest": run.digest,
                    "result": document}, "\n".join([header, *_results_text(document)]))


@round_group.command()
@click.argument("code", metavar="轮次")
@click.option("--notice", "kind", flag_value="notice", default=None, help="发布公示。")
@click.option("--final", "kind", flag_value="final", help="公布最终结果（申诉全部决定之后）。")
@click.option("--appeal-until", default=None, metavar="日期", help="公示的申诉截止（公示必填），如 2015-03-20。")
@click.option("--note", default="", metavar="说明", help="公示说明，如 申诉请向市质强办书面提出。")
@json_option
@click.pass_context
def publish(ctx, code, kind, appeal_until, note, as_json) -> None:
    """按当前记录评分并发布：公示，或最终结果。发布的结果连同摘要冻结保存。"""
    import json as jsonlib
    if kind is None:
        raise click.UsageError("请选择 --notice（公示）或 --final（最终结果）")
    until = _when(appeal_until, "--appeal-until")
    _open(ctx)
    from kaohe.round import actions
    row = actions.publish(code, kind, _actor(ctx), until, note)
    document = jsonlib.loads(row.run.document)
    word = actions.KINDS[kind]
    header = f"已发布第{row.number}号：{word}（结果摘要 {row.run.digest[:12]}）" + (
        f"，申诉截止 {_local(until)}" if until else "")
    _emit(as_json, {"code": code, "number": row.number, "kind": kind, "digest": row.run.digest,
                    "appeal_until": _local(until) or None, "result": document},
          "\n".join([header, *_results_text(document)]))


@round_group.command()
@click.argument("code", metavar="轮次")
@json_option
@click.pass_context
def status(ctx, code, as_json) -> None:
    """本轮次的进度：各单位是否报送、是否逾期、材料是否齐全，考核组和牵头部门还欠哪些评分。"""
    _open(ctx)
    from kaohe.round.state import find_round
    from kaohe.round.status import round_status
    report = round_status(find_round(code))
    units = [{
        "unit": u.unit, "state": u.state, "group": u.group or None, "version": u.version,
        "submitted_at": _local(u.submitted_at) or None, "late": u.late, "rejected": u.rejected,
        "missing_values": u.missing_values, "missing_facts": u.missing_facts,
        "missing_materials": u.missing_materials, "owed_inspection": u.owed_inspection,
        "owed_departments": u.owed_departments,
    } for u in report.units]
    totals = {state: report.count(state) for state in ("已报送", "材料不全", "未通过校验", "未报送")}
    document = {"code": code, "deadline": _local(report.deadline) or None, "units": units, "totals": totals,
                "late": report.late, "owed_by_groups": report.owed_by_groups(),
                "owed_by_departments": report.owed_by_departments(), "open_appeals": report.open_appeals,
                "publications": [{"number": p.number, "kind": p.kind, "at": _local(p.at)}
                                 for p in report.publications]}
    lines = [f"{report.round.code}：{report.round.title}",
             f"报送截止 {_local(report.deadline) or '未设定'}；" + "，".join(f"{k} {v}" for k, v in totals.items())
             + f"，其中逾期 {report.late}"]
    for u in report.units:
        parts = [u.state]
        if u.version:
            parts.append(f"第{u.version}版 {_local(u.submitted_at)}" + ("（逾期）" if u.late else ""))
        missing = len(u.missing_values) + len(u.missing_facts)
        if missing:
            parts.append(f"缺填报值{missing}项")
        if u.missing_materials:
            parts.append(f"缺佐证材料{len(u.missing_materials)}项")
        if u.owed_inspection:
            parts.append(f"待{u.group or '考核组'}评分{len(u.owed_inspection)}项")
        owed = sum(len(v) for v in u.owed_departments.values())
        if owed:
            parts.append(f"待牵头部门评分{owed}项")
        lines.append(f"  {u.unit}：{'；'.join(parts)}")
    for group, count in report.owed_by_groups().items():
        lines.append(f"{group} 还欠 {count} 项评分")
    for department, count in report.owed_by_departments().items():
        lines.append(f"{department} 还欠 {count} 项评分")
    if report.open_appeals:
        lines.append(f"未决定的申诉 {report.open_appeals} 件")
    _emit(as_json, document, "\n".join(lines))


def _brief(text: str) -> str:
    """A value of the log as people read it: 93.6, 3.5分（现场核查……）, 得分3分（理由）, or the JSON itself."""
    from kaohe.round import jsondata
    data = jsondata.load(text)
    if isinstance(data, str):
        return data
    if isinstance(data, dict) and "value" in data:
        value = data["value"]
        if value is None:
            return "未填"
        if isinstance(value, dict) and "score" in value:
            return f"{jsondata.dump(value['score'])}分（{value.get('reason', '')}）"
        return jsondata.dump(value)
    if isinstance(data, dict) and "score" in data and "reason" in data:
        return f"得分{jsondata.dump(data['score'])}分（{data['reason']}）"
    return text


@round_group.command()
@click.argument("code", metavar="轮次", required=False)
@json_option
@click.pass_context
def log(ctx, code, as_json) -> None:
    """日志：每一次操作的时间、操作人、内容、原值 → 新值。"""
    _open(ctx)
    from kaohe.round.models import AuditEntry
    entries = AuditEntry.objects.order_by("seq")
    if code:
        entries = entries.filter(round_code=code)
    rows = [{"seq": e.seq, "at": _local(e.at), "actor": e.actor, "action": e.action, "round": e.round_code,
             "summary": e.summary, "before": e.before or None, "after": e.after or None, "hash": e.hash}
            for e in entries]
    lines = [f"{r['seq']:>5}  {r['at']}  {r['actor']}  {r['summary']}"
             + (f"（{_brief(r['before'])} → {_brief(r['after'])}）" if r["before"] else
                f"（{_brief(r['after'])}）" if r["action"] in FIRST_VALUE_SHOWN and r["after"] else "")
             for r in rows]
    _emit(as_json, {"entries": rows}, "\n".join(lines))


@round_group.command()
@click.argument("code", metavar="轮次")
@json_option
@click.pass_context
def years(ctx, code, as_json) -> None:
    """历年结果：本轮次和此前各轮次（--previous）中，每个单位的总分和等次。"""
    _open(ctx)
    from kaohe.round.state import find_round
    from kaohe.round.years import years as unit_years
    columns, rows = unit_years(find_round(code))
    document = {"rounds": [{"code": c.round, "title": c.title, "publication": c.publication or None}
                           for c in columns],
                "units": [{"unit": r.unit, "results": [{"total": x[0], "grade": x[1]} if x else None
                                                       for x in r.results]} for r in rows]}
    lines = ["单位  " + "  ".join(f"{c.round}（{c.publication or '未发布'}）" for c in columns)]
    for r in rows:
        lines.append(f"{r.unit}  " + "  ".join(f"{x[0]}分 {x[1]}" if x else "—" for x in r.results))
    _emit(as_json, document, "\n".join(lines))


@round_group.command()
@json_option
@click.pass_context
def verify(ctx, as_json) -> None:
    """核验：日志的哈希链、每条记录与日志是否相符，并按保存的材料和细则重新评分每一次发布，逐字节比较。

    发现问题时退出码 1。
    """
    _open(ctx)
    from kaohe.round.verify import verify as run_verify
    report = run_verify()
    document = {"ok": report.ok, "entries": report.entries, "rows": report.rows,
                "publications": report.publications,
                "findings": [{"what": f.what, "message": f.message} for f in report.findings]}
    if report.ok:
        text = (f"核验通过：日志 {report.entries} 条、记录 {report.rows} 条相符；"
                f"{report.publications} 次发布按保存的材料重新评分，结果完全一致")
    else:
        text = "\n".join([f"核验发现 {len(report.findings)} 个问题：",
                          *(f"  [{f.what}] {f.message}" for f in report.findings)])
    _emit(as_json, document, text)
    if not report.ok:
        raise click.exceptions.Exit(1)



@round_group.command()
@click.argument("code", metavar="轮次")
@click.option("-o", "--out", "out_dir", required=True, type=click.Path(path_type=Path), metavar="文件夹",
              help="把这次发布的全部文件作为完整的一套写入此文件夹（整体替换；出错或中断时保持原样）。")
@click.option("--publication", "number", type=INTEGER, default=None, metavar="编号",
              help="导出第几号发布（默认为最新一次）。")
@click.option("--since", type=INTEGER, default=None, metavar="编号",
              help="变化清单与第几号发布比较（默认为前一次发布；没有前一次时不写变化清单）。")
@click.option("--with-scores", is_flag=True, help="公示名单中也列出总分（默认只列等次）。")
@click.option("--issuer", default="", metavar="发布单位",
              help="公示名单落款的发布单位，如 温州市质量强市工作领导小组办公室。")
@json_option
@click.pass_context
def export(ctx, code, out_dir, number, since, with_scores, issuer, as_json) -> None:
    """导出一次发布：各单位评分表（注明调整与申诉）、汇总、results.json、公示名单、变化清单和 round.json。

    先按保存的材料和冻结的细则重新评分，与发布的结果逐字节一致才写出；不一致时拒绝，退出码 1。

    \b
    示例：
      kaohe round export wenzhou-2014 -o 公示/
      kaohe round export wenzhou-2014 --publication 1 --with-scores -o 第1号公示/
    """
    from kaohe.engine.render.files import refuse_overlap
    from kaohe.round.database import is_url
    if not is_url(ctx.obj["db"]):  # the database file must never be inside the folder that is replaced
        refuse_overlap([Path(ctx.obj["db"])], out_dir, output_is_folder=True)
    _open(ctx)
    from kaohe.round.export import export as run_export
    done = run_export(code, out_dir, number, since, with_scores, issuer)
    from kaohe.round.actions import KINDS
    changes = f"、变化.xlsx、变化.html（与第{done.since}号发布比较）" if done.since else ""
    _emit(as_json, {"code": done.code, "publication": done.publication, "kind": done.kind, "since": done.since,
                    "digest": done.digest, "units": done.units, "out": str(out_dir), "files": list(done.files)},
          f"已导出第{done.publication}号发布（{KINDS[done.kind]}，结果摘要 {done.digest[:12]}）到 {out_dir}/：\n"
          f"{done.units} 个单位的评分表（.xlsx、.html，注明调整与申诉）、汇总.xlsx、汇总.html、results.json、"
          f"summary.txt、公示名单.xlsx、公示名单.html{changes}、round.json")
