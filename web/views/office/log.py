"""The round's audit log as the office reads it: newest first, 100 a page, by unit or by who did it."""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from kaohe.round import actions, jsondata
from kaohe.round.history import value_text
from kaohe.round.models import AuditEntry
from kaohe.round.state import roster, shown

from ...models import Profile
from .common import office_only

LOG_PAGE = 100
ROLE_NAMES = dict(Profile.ROLES)
ACTIONS = {"new": "建立轮次", "ruleset_file": "细则文件", "roster": "名单", "deadline": "报送截止",
           "assign": "考核组分工", "submit": "报送", "enter": "评定", "adjust": "调整", "appeal": "申诉",
           "attach": "申诉附件", "decide": "申诉决定", "score": "评分", "publish": "发布", "account": "用户"}
FIELDS = {"unit": "单位", "version": "版本", "accepted": "通过校验", "late": "逾期", "digest": "摘要", "items": "指标",
          "reason": "理由", "name": "文件名", "bytes": "字节", "kind": "类别", "run": "第几次评分", "units": "单位数",
          "appeal_until": "申诉截止", "upheld": "维持", "group": "考核组", "path": "文件", "ruleset": "细则",
          "previous": "上一轮", "user": "用户", "role": "角色", "department": "部门", "admin": "管理后台",
          "object": "对象", "change": "修改"}


def _field(key: str, value) -> str:
    if key == "digest" and isinstance(value, str):
        return value[:12]
    if key == "kind" and value in actions.KINDS:
        return actions.KINDS[value]
    if key == "role" and value in ROLE_NAMES:
        return ROLE_NAMES[value]
    return value_text(value)


def brief(text: str, limit: int = 60) -> str:
    """A value of the log as people read it, cut short: 93.6, 4分（现场核查）, 得分3分（理由）, 单位 鹿城区；版本 1."""
    if not text:
        return ""
    data = jsondata.load(text)
    if isinstance(data, str):
        words = data
    elif isinstance(data, dict) and "value" in data:
        words = value_text(data)
    elif isinstance(data, dict) and "score" in data and "reason" in data:
        words = f"得分{value_text(data['score'])}分（{data['reason']}）"
    elif isinstance(data, dict):
        words = "；".join(f"{FIELDS.get(k, k)} {_field(k, v)}" for k, v in data.items() if v not in (None, ""))
    else:
        words = value_text(data)
    return words if len(words) <= limit else words[:limit - 1] + "…"


@dataclass(frozen=True)
class LogRow:
    seq: int
    at: str
    actor: str
    action: str
    summary: str
    change: str  # before → after, shortened
    full: str  # the same, whole (shown on hover)


def _log_row(entry: AuditEntry) -> LogRow:
    if entry.before:
        change, full = f"{brief(entry.before)} → {brief(entry.after)}", f"{entry.before} → {entry.after}"
    else:
        change, full = brief(entry.after), entry.after
    return LogRow(entry.seq, shown(entry.at), entry.actor, ACTIONS.get(entry.action, entry.action), entry.summary,
                  change, full)


@require_GET
@office_only
def log(request):
    round_ = request.profile.round
    entries = AuditEntry.objects.filter(round_code=round_.code).order_by("-seq")
    unit, actor = request.GET.get("unit", "").strip(), request.GET.get("actor", "").strip()
    if unit:
        entries = entries.filter(summary__contains=unit)
    if actor:
        entries = entries.filter(actor__contains=actor)
    page = Paginator(entries, LOG_PAGE).get_page(request.GET.get("page"))
    filters = urlencode({k: v for k, v in (("unit", unit), ("actor", actor)) if v})
    return render(request, "web/office_log.html", {
        "round": round_, "page": page, "rows": [_log_row(e) for e in page], "unit": unit, "actor": actor,
        "filters": f"&{filters}" if filters else "", "units": roster(round_),
        "actors": sorted(set(AuditEntry.objects.filter(round_code=round_.code).values_list("actor", flat=True)))})
