"""The pages of an inspection group (考核组) and of a lead department (牵头部门): what each still owes, a form to
record its values, its party workbook to download, and the upload of that workbook filled.

The group or department is always the user's profile's (request.profile), never the address's or a form's: a unit
not assigned to the group, or an item the department does not lead, is not found here (404) and nothing is
written. Values are recorded by kaohe.round.actions.enter_values, the user as actor and as 录入人.
"""
from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass
from pathlib import Path

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from kaohe.engine import PROVIDERS, KaoheError, Location, Problem, format_points
from kaohe.engine.entrysheet import read_party_workbook
from kaohe.engine.model import Item, Ruleset
from kaohe.engine.render.entrysheet import party_items, write_party_workbook
from kaohe.engine.render.fillin import points_text
from kaohe.round import actions
from kaohe.round.models import Entry, Round
from kaohe.round.state import groups, roster, ruleset_of

from .. import uploads
from ..access import role_required
from ..checking import ProblemRow, problem_rows
from ..downloads import XLSX, attachment
from ..entering import build_rows, read_rows
from ..forms import UploadForm
from ..models import Profile

INSPECTION, DEPARTMENT = "inspection", "department"
SOURCE = "网页"  # the Entry.source of a value typed on the form
inspection_only = role_required(Profile.INSPECTION)
department_only = role_required(Profile.DEPARTMENT)


class WorkbookForm(UploadForm):
    """A filled party workbook: the unit's upload checks (size, type), and .xlsx only."""

    file = forms.FileField(label="填好的评定表（.xlsx）",
                           error_messages={"required": "请选择要上传的评定表",
                                           "empty": "文件是空的：请选择填好的评定表"})

    def clean_file(self):
        uploaded = super().clean_file()
        if Path(uploaded.name).suffix.lower() != ".xlsx":
            raise forms.ValidationError("评定表只接受 .xlsx 文件：请上传在本系统下载、填好的评定表")
        return uploaded


@dataclass(frozen=True)
class Party:
    """Who is working: an inspection group or a department of the user's round, and what it gives."""

    kind: str
    name: str
    round: Round
    ruleset: Ruleset
    items: list[Item]
    units: list[str]  # a group's assigned units; a department's: the whole roster

    @property
    def word(self) -> str:
        return PROVIDERS[self.kind]

    @property
    def item_lines(self) -> list[tuple[str, str, str]]:
        """(id, title, points) of each item, the points as the 细则 writes them: 4分, 10（最高15分）, 最多扣5分."""
        return [(item.id, item.title, _points_said(item)) for item in self.items]

    @property
    def home(self) -> str:
        return "web:group_home" if self.kind == INSPECTION else "web:department_home"


def _party(profile: Profile, kind: str) -> Party:
    round_ = profile.round
    ruleset = ruleset_of(round_)
    if kind == INSPECTION:
        assigned = groups(round_)
        units = [unit for unit in roster(round_) if assigned.get(unit) == profile.group]
        return Party(kind, profile.group, round_, ruleset, party_items(ruleset, kind, profile.group), units)
    return Party(kind, profile.department, round_, ruleset, party_items(ruleset, kind, profile.department),
                 roster(round_))


@dataclass(frozen=True)
class Progress:
    """How far the party is with one unit (a group's home) or one item (a department's)."""

    key: str  # the unit, or the item id
    title: str
    entered: int
    total: int
    last: dt.datetime | None

    @property
    def owed(self) -> int:
        return self.total - self.entered


def _entered(party: Party) -> dict[tuple[str, str], dt.datetime]:
    """(unit, item id) → when it was last entered, by anyone, for the party's units and items."""
    found: dict[tuple[str, str], dt.datetime] = {}
    rows = (Entry.objects.filter(round=party.round, unit__in=party.units, item_id__in=[i.id for i in party.items])
            .order_by("id").values_list("unit", "item_id", "at"))
    for unit, item_id, at in rows:
        found[(unit, item_id)] = at
    return found


def _progress(key: str, title: str, pairs: list[tuple[str, str]], entered: dict) -> Progress:
    times = [entered[pair] for pair in pairs if pair in entered]
    return Progress(key, title, len(times), len(pairs), max(times, default=None))


def _home(request, party: Party, template: str):
    entered = _entered(party)
    if party.kind == INSPECTION:  # a group works unit by unit
        progress = [_progress(unit, "", [(unit, i.id) for i in party.items], entered) for unit in party.units]
    else:  # a department item by item
        progress = [_progress(item.id, item.title, [(unit, item.id) for unit in party.units], entered)
                    for item in party.items]
    return render(request, template, {"round": party.round, "party": party, "progress": progress,
                                      "form": WorkbookForm()})


# --- the form ---------------------------------------------------------------------------------------------------


def _form(request, party: Party, pairs: list[tuple[str, Item]], context: dict, back: str):
    rows = build_rows(party.round, pairs)
    context = {"round": party.round, "party": party, "rows": rows, **context,
               "judged": any(row.judged for row in rows), "valued": any(not row.judged for row in rows)}
    if request.method == "GET":
        return render(request, "web/party_form.html", context)
    username = request.user.get_username()
    values, wrong = read_rows(rows, request.POST, party.name, username)
    if wrong:
        context["refused"] = f"有{wrong}行填写有误，本次没有记录任何内容；请按各行的提示改正后重新提交"
        return render(request, "web/party_form.html", context, status=400)
    if not values:
        messages.info(request, "没有改动的行，没有记录")
        return redirect(back)
    try:
        actions.enter_values(party.round.code, party.name, party.kind, values, actor=username, source=SOURCE)
    except KaoheError as error:
        context["refused"] = "没有记录：" + "；".join(p.message for p in error.problems)
        return render(request, "web/party_form.html", context, status=400)
    messages.success(request, f"已记录{len(values)}项")
    return redirect(back)


# --- inspection groups ------------------------------------------------------------------------------------------


@require_GET
@inspection_only
def group_home(request):
    return _home(request, _party(request.profile, INSPECTION), "web/party_group_home.html")


@require_http_methods(["GET", "POST"])
@inspection_only
def group_unit(request, unit: str):
    party = _party(request.profile, INSPECTION)
    if unit not in party.units:
        raise Http404("本考核组没有分到这个单位")
    return _form(request, party, [(unit, item) for item in party.items], {"unit": unit, "by_unit": False},
                 request.path)


@require_GET
@inspection_only
def group_workbook(request):
    return _workbook(_party(request.profile, INSPECTION))


@require_http_methods(["GET", "POST"])
@inspection_only
def group_upload(request):
    return _upload(request, _party(request.profile, INSPECTION))


# --- lead departments -------------------------------------------------------------------------------------------


@require_GET
@department_only
def department_home(request):
    return _home(request, _party(request.profile, DEPARTMENT), "web/party_department_home.html")


@require_http_methods(["GET", "POST"])
@department_only
def department_item(request, item_id: str):
    party = _party(request.profile, DEPARTMENT)
    item = next((i for i in party.items if i.id == item_id), None)
    if item is None:
        raise Http404("本部门不评定这个指标")
    return _form(request, party, [(unit, item) for unit in party.units], {"item": item, "by_unit": True},
                 request.path)


@require_GET
@department_only
def department_workbook(request):
    return _workbook(_party(request.profile, DEPARTMENT))


@require_http_methods(["GET", "POST"])
@department_only
def department_upload(request):
    return _upload(request, _party(request.profile, DEPARTMENT))


# --- the party workbook ----------------------------------------------------------------------------------------


def _workbook(party: Party):
    if not party.items or not party.units:
        raise Http404("没有可评定的指标或单位")
    content = write_party_workbook(party.ruleset, party.kind, party.name, party.units)
    suffix = "考核组评定表" if party.kind == INSPECTION else "评定表"
    return attachment(content, f"{party.name}-{suffix}.xlsx", XLSX)


def _refusal(where: str, message: str, hint: str = "") -> KaoheError:
    return KaoheError([Problem(Location(where), message, hint)])


def _enter_workbook(party: Party, pending: uploads.Pending, actor: str) -> list:
    """actions.enter, once the workbook is known to be this party's: every value in it, or nothing."""
    sheet = read_party_workbook(pending.path, party.ruleset)
    if (sheet.kind, sheet.party) != (party.kind, party.name):
        raise _refusal(pending.name, f"这是{PROVIDERS[sheet.kind]}“{sheet.party}”的评定表，不是本{party.word}"
                                     f"“{party.name}”的：没有记录", "请上传在本页下载、填好的评定表")
    others = sorted({e.unit for e in sheet.entries if e.unit not in party.units})
    if others:
        raise _refusal(pending.name, f"评定表中有不归本{party.word}评定的单位：{'、'.join(others)}；没有记录",
                       "请上传在本页下载、填好的评定表")
    if not sheet.entries:
        raise _refusal(pending.name, "评定表中没有填写任何值：没有记录", "请在黄色格子中填写后再上传")
    values = [actions.PartyValue(e.unit, e.item_id, e.data, e.entered_by) for e in sheet.entries]
    return actions.enter_values(party.round.code, party.name, party.kind, values, actor, pending.name,
                                pending.digest)


def _upload(request, party: Party):
    context = {"round": party.round, "party": party}
    form = WorkbookForm(request.POST, request.FILES) if request.method == "POST" else WorkbookForm()
    if request.method == "GET" or not form.is_valid():
        return render(request, "web/party_upload.html", {**context, "form": form},
                      status=200 if request.method == "GET" else 400)
    pending = uploads.keep(request.user, form.cleaned_data["file"])
    private = str(pending.path.parent) + "/"
    try:
        recorded = _enter_workbook(party, pending, request.user.get_username())
    except KaoheError as error:
        problems = [ProblemRow(row.place, row.item or problem.location.path.replace(private, ""), row.message,
                               row.hint)
                    for row, problem in zip(problem_rows(party.ruleset, error.problems, private), error.problems,
                                            strict=True)]
        return render(request, "web/party_upload.html", {**context, "form": WorkbookForm(), "name": pending.name,
                                                         "problems": problems}, status=400)
    finally:  # the entries keep the workbook's digest; the file itself is not kept
        shutil.rmtree(pending.path.parent, ignore_errors=True)
    messages.success(request, f"已从评定表 {pending.name} 记录{len(recorded)}项")
    return redirect(party.home)


def _points_said(item: Item) -> str:
    text = points_text(item)
    return f"{text}分" if text == format_points(item.points) else text
