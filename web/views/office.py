"""The assessment office's pages: where the round stands, the latest scores and the grade chart, each unit's score
sheet, adjustments, the appeals and their decisions, publishing, the audit log and the exports.

The round is always the user's own (request.profile.round). Every change goes through kaohe.round.actions with the
user's name as the actor, so it lands in the round's audit log like a change from the command line; a refused
change writes nothing and is shown in Chinese.
"""
from __future__ import annotations

import datetime as dt
import io
import re
import tempfile
import zipfile
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Max
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kaohe.engine import KaoheError, Location, Problem, UnitResult, format_points
from kaohe.engine.loading import parse_text
from kaohe.engine.render.html import GRADE_COLORS
from kaohe.engine.render.outputs import file_stem
from kaohe.engine.render.sheet import build_sheet
from kaohe.engine.render.xlsx import sheet_xlsx
from kaohe.round import actions, jsondata
from kaohe.round.export import export
from kaohe.round.history import adjustment_notes, appeal_notes, sequence_of, value_text
from kaohe.round.models import (
    Appeal,
    AppealFile,
    AuditEntry,
    Decision,
    Publication,
    RosterUnit,
    Round,
    ScoringRun,
)
from kaohe.round.notes import unit_notes
from kaohe.round.state import compose, publications, roster, ruleset_of, shown
from kaohe.round.status import round_status

from ..access import role_required
from ..models import Profile
from ..results import UnitScore, run_results, run_scores
from .unit import XLSX, _attachment

STATES = ("已报送", "材料不全", "未通过校验", "未报送")
LOG_PAGE = 100
PERCENT = re.compile(r"\s*(-?\d+(?:\.\d+)?)\s*[%％]\s*")
ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # every entry of an export zip: the same publication gives the same bytes
ACTIONS = {"new": "建立轮次", "ruleset_file": "细则文件", "roster": "名单", "deadline": "报送截止",
           "assign": "考核组分工", "submit": "报送", "enter": "评定", "adjust": "调整", "appeal": "申诉",
           "attach": "申诉附件", "decide": "申诉决定", "score": "评分", "publish": "发布"}
office_only = role_required(Profile.OFFICE)


# --- shared ---------------------------------------------------------------------------------------------------


def _problems(error: KaoheError) -> list[str]:
    """The refusal in the office's words; hints that name command-line options are left out on a web page."""
    lines = []
    for p in error.problems:
        hint = p.hint if p.hint and "--" not in p.hint and "kaohe " not in p.hint else ""
        lines.append(p.message + (f"（{p.location.path}）" if p.location.path else "") + (f"；{hint}" if hint else ""))
    return lines


def _actor(request) -> str:
    return request.user.get_username()


def _latest_run(round_: Round) -> ScoringRun | None:
    # the stored evidence and document are large: read only when the results are not cached yet
    return ScoringRun.objects.filter(round=round_).defer("evidence", "document").order_by("-number").first()


def _run_sequence(run: ScoringRun) -> int:
    """The audit entry that wrote the run: the adjustments and appeals it saw are those up to it."""
    return AuditEntry.objects.get(record="ScoringRun", record_id=run.pk).seq


def _last_sequence() -> int:
    return AuditEntry.objects.aggregate(last=Max("seq"))["last"] or 0


def _on_roster(round_: Round, unit: str) -> None:
    if not RosterUnit.objects.filter(round=round_, name=unit).exists():
        raise Http404("本轮次的名单中没有这个单位")


def _number(text: str, what: str) -> Decimal:
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise forms.ValidationError(f"{what}应为数字，如 3.5") from None
    if not value.is_finite():
        raise forms.ValidationError(f"{what}应为数字，如 3.5")
    return value


def _value(text: str):
    """A value typed by the clerk, read as the evidence loader reads YAML (数字, 是/否, text, lists); 95% is 95, as the
    fill-in workbook takes it."""
    if PERCENT.fullmatch(text):
        return Decimal(PERCENT.fullmatch(text).group(1))
    try:
        return parse_text(text, "新的填报值")
    except KaoheError as error:
        raise forms.ValidationError("；".join(_problems(error))) from None


class _NewValue(forms.Form):
    """A new value OR a new score: read here, checked against the item by the action."""

    value = forms.CharField(label="新的填报值", required=False, max_length=2000,
                            help_text="如 96.5、是、开展试点；百分数写数字即可")
    score = forms.CharField(label="新的得分", required=False, max_length=30,
                            help_text="或者直接给出本项得分（二者选一），如 3.5")
    reason = forms.CharField(label="理由", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": "请写明理由"})

    def clean_new(self, cleaned: dict) -> None:
        value, score = cleaned.get("value", "").strip(), cleaned.get("score", "").strip()
        if value and score:
            raise forms.ValidationError("新的填报值和新的得分只能填一项")
        if not value and not score:
            raise forms.ValidationError("请填写新的填报值或新的得分（二者选一）")
        cleaned["new_value"] = _value(value) if value else None
        cleaned["new_score"] = _number(score, "新的得分") if score else None


# --- the dashboard --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GradeBar:
    label: str
    count: int
    x: int
    y: int
    width: int
    height: int
    color: str

    @property
    def center(self) -> int:
        return self.x + self.width // 2

    @property
    def top(self) -> int:
        """Where the count is written, just above the bar."""
        return self.y - 5


@dataclass(frozen=True)
class GradeChart:
    """Vertical bars, one per grade, drawn as inline SVG on the server: no script, nothing fetched."""

    width: int
    height: int
    baseline: int
    bars: tuple[GradeBar, ...]
    title: str

    @property
    def label_y(self) -> int:
        return self.baseline + 17


def grade_chart(labels: tuple[str, ...], grades: list[str]) -> GradeChart:
    counts = Counter(grades)
    top = max([counts.get(label, 0) for label in labels] + [1])
    plot, bar, gap, left, baseline = 120, 56, 28, 24, 150
    bars = []
    for index, label in enumerate(labels):
        count = counts.get(label, 0)
        height = round(plot * count / top)
        bars.append(GradeBar(label, count, left + index * (bar + gap), baseline - height, bar, height,
                             GRADE_COLORS[min(index, len(GRADE_COLORS) - 1)]))
    title = "等次分布：" + "，".join(f"{b.label} {b.count}个" for b in bars)
    return GradeChart(left * 2 + len(labels) * (bar + gap) - gap, baseline + 24, baseline, tuple(bars), title)


@require_GET
@office_only
def dashboard(request):
    round_ = request.profile.round
    status = round_status(round_)
    rows = [{
        "unit": u, "missing": len(u.missing_values) + len(u.missing_facts), "materials": len(u.missing_materials),
        "departments": sum(len(items) for items in u.owed_departments.values()),
    } for u in status.units]
    run = _latest_run(round_)
    scores: tuple[UnitScore, ...] = run_scores(run) if run is not None else ()
    return render(request, "web/office.html", {
        "round": round_, "status": status, "rows": rows,
        "totals": [(state, status.count(state)) for state in STATES],
        "owed_by_groups": status.owed_by_groups(), "owed_by_departments": status.owed_by_departments(),
        "published": [(p, actions.KINDS[p.kind]) for p in status.publications],
        "run": run, "scores": scores,
        "chart": grade_chart(ruleset_of(round_).grading.labels, [s.grade for s in scores]) if scores else None})


@require_POST
@office_only
def score(request):
    """试算: score the round as it stands, provisionally, and record the run."""
    try:
        run = actions.score(request.profile.round.code, _actor(request), provisional=True)
    except KaoheError as error:
        messages.error(request, "试算没有完成：" + "；".join(_problems(error)))
    else:
        messages.success(request, f"已完成第{run.number}次评分" + ("（暂定）" if run.provisional else "")
                         + f"，结果摘要 {run.digest[:12]}")
    return redirect("web:office")


# --- a unit's score sheet -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SheetSource:
    run: ScoringRun
    publication: Publication | None
    upto: int  # the audit entry that wrote the run: notes are those up to it

    @property
    def label(self) -> str:
        if self.publication is not None:
            p = self.publication
            return f"第{p.number}号发布：{actions.KINDS[p.kind]}（{shown(p.at)}）"
        provisional = "（暂定）" if self.run.provisional else ""
        return f"第{self.run.number}次评分{provisional}（{shown(self.run.at)}，{self.run.actor}）"


class NoSheet(Http404):
    """The unit is on the roster but has no sheet to show yet: said on the sheet page, a plain 404 elsewhere."""


def _source(request, round_: Round) -> SheetSource:
    """?publication=N, or the latest scoring run."""
    wanted = request.GET.get("publication", "")
    if wanted:
        if not wanted.isdigit():
            raise Http404("没有这一号发布")
        found = (Publication.objects.filter(round=round_, number=int(wanted)).select_related("run")
                 .defer("run__evidence", "run__document").first())
        if found is None:
            raise Http404("没有这一号发布")
        return SheetSource(found.run, found, sequence_of(found))
    run = _latest_run(round_)
    if run is None:
        raise NoSheet("本轮次还没有评分：在看板上按“试算”评分，或发布公示后再看评分表。")
    return SheetSource(run, None, _run_sequence(run))


def _sheet_of(request, unit: str):
    """The unit's result in the chosen run, with its notes; 404 when it has none."""
    round_ = request.profile.round
    _on_roster(round_, unit)
    source = _source(request, round_)
    ruleset = ruleset_of(round_)
    result = run_results(round_, source.run).get(unit)
    if result is None:
        raise NoSheet(f"{source.label}中没有 {unit} 的结果：评分时它还没有通过校验的报送。")
    notes = unit_notes(result, [n for n in adjustment_notes(round_, ruleset, source.upto) if n.unit == unit],
                       [n for n in appeal_notes(round_, ruleset, source.upto) if n.unit == unit])
    return source, ruleset, result, notes


@require_GET
@office_only
def unit_sheet(request, unit: str):
    try:
        source, ruleset, result, notes = _sheet_of(request, unit)
    except NoSheet as missing:
        return render(request, "web/office_unit.html", {"unit": unit, "problems": [str(missing)]}, status=404)
    except KaoheError as error:
        return render(request, "web/office_unit.html", {"unit": unit, "problems": _problems(error)}, status=500)
    round_ = request.profile.round
    query = f"?publication={source.publication.number}" if source.publication else ""
    return render(request, "web/office_unit.html", {
        "round": round_, "unit": unit, "source": source, "sheet": build_sheet(ruleset, result, notes),
        "xlsx": reverse("web:office_unit_xlsx", args=[unit]) + query,
        "publications": [(p, actions.KINDS[p.kind]) for p in publications(round_)]})


@require_GET
@office_only
def unit_sheet_xlsx(request, unit: str):
    try:
        _source_, ruleset, result, notes = _sheet_of(request, unit)
    except KaoheError as error:
        return HttpResponse("；".join(_problems(error)), status=500, content_type="text/plain; charset=utf-8")
    return _attachment(sheet_xlsx(ruleset, result, notes), f"{file_stem(unit)}-评分表.xlsx", XLSX)


# --- adjustments ----------------------------------------------------------------------------------------------


class AdjustForm(_NewValue):
    unit = forms.CharField(widget=forms.HiddenInput)
    item = forms.CharField(widget=forms.HiddenInput)
    expect = forms.CharField(widget=forms.HiddenInput, required=False)  # canonical JSON of what the clerk saw

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            self.clean_new(cleaned)
        return cleaned


@dataclass(frozen=True)
class Current:
    """One unit's item as the record composes it now."""

    value: object  # the value given (None: none), as adjust compares it
    score: Decimal | None  # the office's adjusted score, if any
    origin: str  # who gave the value

    @property
    def seen(self) -> str:
        """What the clerk saw, for actions.adjust(expect=…) when the form comes back."""
        return jsondata.dump({"value": self.value, "score": self.score})


def current_items(round_: Round, unit: str, item_ids: list[str]) -> dict[str, Current]:
    """item → Current; empty when the unit has no accepted submission (nothing to adjust)."""
    composed = compose(round_, [unit])  # composing reads the round's whole record: once per page
    if not composed:
        return {}
    data, origins = composed[0].data, composed[0].origins
    found = {}
    for item_id in item_ids:
        given = data.get("values", {}).get(item_id)
        adjusted = data.get("adjustments", {}).get(item_id)
        found[item_id] = Current(given.get("value") if isinstance(given, dict) else given,
                                 adjusted.get("score") if adjusted else None, origins.get(item_id, ""))
    return found


def current(round_: Round, unit: str, item_id: str) -> Current | None:
    return current_items(round_, unit, [item_id]).get(item_id)


def _scored_in(round_: Round, run: ScoringRun | None, unit: str, item_ids) -> dict[str, str]:
    """item → its score in the run (as the sheet prints it); empty when there is no run or no result."""
    if run is None:
        return {}
    try:
        result: UnitResult | None = run_results(round_, run).get(unit)
    except KaoheError:
        return {}
    if result is None:
        return {}
    wanted = set(item_ids)
    return {i.item.id: "未评分" if i.score is None else f"{format_points(i.score)}分"
            for i in result.all_items() if i.item.id in wanted}


def _adjust_page(request, form: AdjustForm | None, unit: str, item_id: str, problems=(), status: int = 200):
    round_ = request.profile.round
    ruleset = ruleset_of(round_)
    item = ruleset.item(item_id) if item_id else None
    now = current(round_, unit, item_id) if unit and item is not None else None
    run = _latest_run(round_)
    if form is None and now is not None:
        form = AdjustForm(initial={"unit": unit, "item": item_id, "expect": now.seen})
    notes = adjustment_notes(round_, ruleset, _last_sequence())
    return render(request, "web/office_adjust.html", {
        "round": round_, "units": roster(round_), "leaves": list(ruleset.leaves()), "unit": unit, "item": item,
        "points": format_points(item.points) if item is not None else "", "current": now,
        "current_value": value_text(now.value, item.unit) if now is not None else "",
        "current_score": f"{format_points(now.score)}分" if now is not None and now.score is not None else "",
        "run": run, "run_score": _scored_in(round_, run, unit, [item_id]).get(item_id, "") if now else "",
        "form": form, "problems": problems, "notes": list(reversed(notes))}, status=status)


@require_http_methods(["GET", "POST"])
@office_only
def adjust(request):
    """The office changes one unit's value or score with a reason. The form carries what the clerk saw: if the
    record changed since, the change is refused (another clerk was first)."""
    round_ = request.profile.round
    if request.method == "GET":
        unit, item_id = request.GET.get("unit", ""), request.GET.get("item", "")
        if unit:
            _on_roster(round_, unit)
        if item_id and ruleset_of(round_).item(item_id) is None:
            raise Http404("细则中没有这个指标")
        return _adjust_page(request, None, unit, item_id)
    form = AdjustForm(request.POST)
    unit, item_id = request.POST.get("unit", ""), request.POST.get("item", "")
    _on_roster(round_, unit)
    if not form.is_valid():
        return _adjust_page(request, form, unit, item_id, status=400)
    data = form.cleaned_data
    try:
        seen = jsondata.load(data["expect"]) if data["expect"] else {}
    except ValueError:
        seen = None
    if not isinstance(seen, dict):
        return _adjust_page(request, form, unit, item_id, ["页面数据已损坏，请重新打开本页"], status=400)
    kind = "value" if data["new_value"] is not None else "score"
    expect = seen.get(kind)
    try:
        if data["expect"] and expect is None:
            _still_nothing(round_, unit, item_id, kind)
        row = actions.adjust(round_.code, unit, item_id, data["reason"], _actor(request), value=data["new_value"],
                             score=data["new_score"], expect=expect)
    except KaoheError as error:
        return _adjust_page(request, form, unit, item_id, _problems(error), status=400)
    note = next(n for n in reversed(adjustment_notes(round_, ruleset_of(round_), _last_sequence()))
                if n.item_id == item_id and n.unit == unit)
    messages.success(request, f"已调整 {row.unit} {row.item_id} {note.item_title}：{note.change}（理由：{row.reason}）")
    return redirect(reverse("web:office_adjust") + "?" + urlencode({"unit": unit, "item": item_id}))


def _still_nothing(round_: Round, unit: str, item_id: str, kind: str) -> None:
    """The clerk saw no value (or no adjusted score): actions.adjust cannot check "nothing" (expect=None means
    "do not check"), so it is checked here, just before the change."""
    now = current(round_, unit, item_id)
    found = None if now is None else now.value if kind == "value" else now.score
    if found is not None:
        what = "填报值" if kind == "value" else "调整后得分"
        raise actions.Conflict([Problem(Location(f"{unit} › {item_id}"),
                                        f"冲突：{item_id} 的当前{what}已是 {jsondata.dump(found)}，不是您看到的“无”；"
                                        "本次调整没有写入", "请重新打开本页，查看日志中是谁改的，再决定是否重新调整")])


# --- appeals --------------------------------------------------------------------------------------------------


@require_GET
@office_only
def appeals(request):
    round_ = request.profile.round
    notes = appeal_notes(round_, ruleset_of(round_), _last_sequence())
    files = dict(AppealFile.objects.filter(appeal__round=round_).values("appeal__number")
                 .annotate(count=Count("id")).values_list("appeal__number", "count"))
    return render(request, "web/office_appeals.html", {
        "round": round_, "rows": [(n, files.get(n.number, 0)) for n in notes],
        "pending": sum(1 for n in notes if n.decision == "未决定")})


class DecideForm(_NewValue):
    outcome = forms.ChoiceField(label="决定", choices=[("uphold", "维持（更正数值）"), ("reject", "驳回")],
                                widget=forms.RadioSelect, error_messages={"required": "请选择维持或驳回"})
    item = forms.ChoiceField(label="更正的指标", required=False)

    def __init__(self, *args, items: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = items
        self.fields["reason"].label = "决定理由"
        self.fields["reason"].error_messages["required"] = "请写明决定的理由"

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        if cleaned["outcome"] == "uphold":
            self.clean_new(cleaned)
        elif cleaned.get("value", "").strip() or cleaned.get("score", "").strip():
            raise forms.ValidationError("驳回申诉时不更改数值；要更正请选择维持")
        else:
            cleaned["new_value"] = cleaned["new_score"] = None
        return cleaned


@dataclass(frozen=True)
class AppealedItem:
    id: str
    title: str
    points: str
    noticed: str  # the score in the 公示 the appeal is against
    latest: str  # the score in the latest scoring run
    value: str  # the value as the record composes it now
    origin: str
    adjusted: str  # the office's adjusted score now, if any


def _appealed_items(round_: Round, appeal: Appeal, item_ids: list[str]) -> list[AppealedItem]:
    ruleset = ruleset_of(round_)
    noticed = _scored_in(round_, appeal.publication.run, appeal.unit, item_ids)
    latest_run = _latest_run(round_)
    latest = _scored_in(round_, latest_run, appeal.unit, item_ids)
    now_items = current_items(round_, appeal.unit, item_ids)
    rows = []
    for item_id in item_ids:
        item = ruleset.item(item_id)
        now = now_items.get(item_id)
        rows.append(AppealedItem(
            item_id, item.title if item else "", format_points(item.points) if item else "",
            noticed.get(item_id, ""), latest.get(item_id, ""),
            value_text(now.value, item.unit if item else "") if now else "", now.origin if now else "",
            f"{format_points(now.score)}分" if now and now.score is not None else ""))
    return rows


def _appeal_of(round_: Round, number: int) -> Appeal:
    found = (Appeal.objects.filter(round=round_, number=number)
             .select_related("publication__run").defer("publication__run__evidence", "publication__run__document")
             .first())
    if found is None:
        raise Http404("没有这一号申诉")
    return found


@require_http_methods(["GET", "POST"])
@office_only
def appeal(request, number: int):
    round_ = request.profile.round
    found = _appeal_of(round_, number)
    item_ids = jsondata.load(found.items)
    items = _appealed_items(round_, found, item_ids)
    form = DecideForm(request.POST if request.method == "POST" else None, items=[(i.id, f"{i.id} {i.title}")
                                                                                     for i in items],
                      initial={"item": item_ids[0]} if len(item_ids) == 1 else None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        upheld = data["outcome"] == "uphold"
        try:
            actions.decide(round_.code, number, upheld, data["reason"], _actor(request),
                           data["item"] if upheld else "", data["new_value"], data["new_score"])
        except KaoheError as error:
            problems = _problems(error)
        else:
            messages.success(request, f"第{number}号申诉已{'维持' if upheld else '驳回'}" +
                             ("，更正记为一次调整" if upheld else ""))
            return redirect("web:office_appeal", number=number)
    decision = Decision.objects.filter(appeal=found).first()
    return render(request, "web/office_appeal.html", {
        "round": round_, "appeal": found, "items": items, "reason": found.reason,
        "files": list(found.files.defer("content").order_by("position")), "decision": decision,
        "adjustments": list(found.adjustments.order_by("id")), "form": None if decision else form,
        "problems": problems, "kind": actions.KINDS[found.publication.kind]},
        status=400 if request.method == "POST" else 200)


@require_GET
@office_only
def appeal_file(request, number: int, position: int):
    found = AppealFile.objects.filter(appeal__round=request.profile.round, appeal__number=number,
                                      position=position).first()
    if found is None:
        raise Http404("没有这个附件")
    # whatever the name says, never shown inline: a downloaded file is opened by the clerk's own programs
    return _attachment(bytes(found.content), found.name)


# --- publishing -----------------------------------------------------------------------------------------------


class PublishForm(forms.Form):
    kind = forms.ChoiceField(label="发布", choices=[(Publication.NOTICE, "公示"), (Publication.FINAL, "最终结果")],
                             widget=forms.RadioSelect, error_messages={"required": "请选择发布公示还是最终结果"})
    appeal_date = forms.DateField(label="申诉截止日期", required=False,
                                  widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                                  error_messages={"invalid": "日期应写成 2015-03-20"})
    appeal_time = forms.TimeField(label="时间", required=False,
                                  widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                                  error_messages={"invalid": "时间应写成 17:30"})
    note = forms.CharField(label="说明", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
                           help_text="公示必填：向谁、以什么方式申诉，如 申诉请向市质强办书面提出")

    def clean(self):
        cleaned = super().clean()
        cleaned["appeal_until"] = None
        if self.errors or cleaned.get("kind") != Publication.NOTICE:
            return cleaned
        date, time, note = cleaned.get("appeal_date"), cleaned.get("appeal_time"), cleaned.get("note", "").strip()
        if date is None or time is None:
            raise forms.ValidationError("公示应写明申诉截止的日期和时间")
        if not note:
            raise forms.ValidationError("公示应写明说明（向谁、以什么方式申诉）")
        until = timezone.make_aware(dt.datetime.combine(date, time))  # the office's time zone (Asia/Shanghai)
        if until <= timezone.now():
            raise forms.ValidationError("申诉截止时间已经过去：请写一个以后的时间")
        cleaned["appeal_until"] = until
        return cleaned


def _publications(round_: Round) -> list[tuple[Publication, str]]:
    found = (Publication.objects.filter(round=round_).select_related("run")
             .defer("run__evidence", "run__document").order_by("number"))
    return [(p, actions.KINDS[p.kind]) for p in found]


@require_http_methods(["GET", "POST"])
@office_only
def publish(request):
    round_ = request.profile.round
    form = PublishForm(request.POST if request.method == "POST" else None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            row = actions.publish(round_.code, data["kind"], _actor(request), data["appeal_until"],
                                  data["note"].strip())
        except KaoheError as error:
            problems = _problems(error)
        else:
            messages.success(request, f"已发布第{row.number}号：{actions.KINDS[row.kind]}"
                             + (f"，申诉截止 {shown(row.appeal_until)}" if row.appeal_until else "")
                             + f"（结果摘要 {row.run.digest[:12]}）")
            return redirect("web:office_publish")
    return render(request, "web/office_publish.html", {
        "round": round_, "form": form, "problems": problems, "published": _publications(round_),
        "pending": Appeal.objects.filter(round=round_, decision__isnull=True).count()},
        status=400 if request.method == "POST" else 200)


# --- the audit log --------------------------------------------------------------------------------------------


FIELDS = {"unit": "单位", "version": "版本", "accepted": "通过校验", "late": "逾期", "digest": "摘要", "items": "指标",
          "reason": "理由", "name": "文件名", "bytes": "字节", "kind": "类别", "run": "第几次评分", "units": "单位数",
          "appeal_until": "申诉截止", "upheld": "维持", "group": "考核组", "path": "文件", "ruleset": "细则",
          "previous": "上一轮"}


def _field(key: str, value) -> str:
    if key == "digest" and isinstance(value, str):
        return value[:12]
    if key == "kind" and value in actions.KINDS:
        return actions.KINDS[value]
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
        words = "；".join(f"{FIELDS.get(k, k)} {_field(k, v)}" for k, v in data.items() if v is not None)
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


# --- exports --------------------------------------------------------------------------------------------------


@require_GET
@office_only
def exports(request):
    round_ = request.profile.round
    return render(request, "web/office_export.html", {"round": round_, "published": _publications(round_)})


def zipped(folder: Path, top: str) -> bytes:
    """The folder's files in one zip under `top/`, in name order, with fixed times: the same files, the same bytes.
    kaohe's own bookkeeping file (the folder manifest, which lets a later run replace the folder) is left out."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.iterdir(), key=lambda p: p.name):
            if path.name.startswith(".") or not path.is_file():
                continue
            entry = zipfile.ZipInfo(f"{top}/{path.name}", date_time=ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            archive.writestr(entry, path.read_bytes())
    return out.getvalue()


@require_GET
@office_only
def export_zip(request, number: int):
    """What `kaohe round export` writes for one publication, as a zip: written into a temporary folder, zipped,
    the folder removed."""
    round_ = request.profile.round
    found = Publication.objects.filter(round=round_, number=number).first()
    if found is None:
        raise Http404("没有这一号发布")
    top = file_stem(f"{round_.code}-第{number}号{actions.KINDS[found.kind]}")
    with tempfile.TemporaryDirectory(prefix="kaohe-export-") as temporary:
        try:
            export(round_.code, Path(temporary) / "export", number=number)
        except KaoheError as error:
            messages.error(request, "导出没有完成：" + "；".join(_problems(error)))
            return redirect("web:office_export")
        content = zipped(Path(temporary) / "export", top)
    return _attachment(content, f"{top}.zip", "application/zip")
