"""The municipality's portal. Every page takes the round and the unit from the user's profile (request.profile),
never from the address or a form: another unit's data cannot be named here."""
from __future__ import annotations

import json

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kaohe.engine import KaoheError
from kaohe.engine.render.fillin import fillin_xlsx
from kaohe.engine.render.sheet import build_sheet
from kaohe.round import actions
from kaohe.round.history import adjustment_notes, appeal_notes, sequence_of
from kaohe.round.models import Submission
from kaohe.round.notes import unit_notes
from kaohe.round.state import deadline, publications, ruleset_of, shown
from kaohe.round.status import round_status

from .. import uploads
from ..access import role_required
from ..checking import ProblemRow, UploadCheck, check_upload, problem_rows
from ..downloads import XLSX, attachment
from ..forms import SubmitForm, UploadForm
from ..models import Profile
from ..results import run_results

unit_only = role_required(Profile.UNIT)


def _own_submissions(profile: Profile):
    return (Submission.objects.filter(round=profile.round, unit=profile.unit).defer("content", "data")
            .order_by("-version"))


@require_GET
@unit_only
def unit_home(request):
    profile = request.profile
    status = next(u for u in round_status(profile.round).units if u.unit == profile.unit)
    submissions = [(s, len(json.loads(s.problems or "[]"))) for s in _own_submissions(profile)]
    return render(request, "web/unit_home.html", {
        "round": profile.round, "unit": profile.unit, "deadline": deadline(profile.round), "status": status,
        "submissions": submissions, "published": publications(profile.round), "form": UploadForm()})


@require_GET
@unit_only
def unit_workbook(request):
    profile = request.profile
    content = fillin_xlsx(ruleset_of(profile.round), profile.unit)
    return attachment(content, f"{profile.unit}-填报表.xlsx", XLSX)


@require_GET
@unit_only
def unit_submission_file(request, version: int):
    found = _own_submissions(request.profile).filter(version=version).defer(None).first()
    if found is None:
        raise Http404("没有这一版报送")
    return attachment(bytes(found.content), found.file_name)


def reminders(round_, checked: UploadCheck, private: str) -> list[ProblemRow]:
    """The engine's warnings on the upload (0.936 in a % item, yuan in a 万元 item), with their cells: 提醒, not
    errors; they do not stop 报送."""
    if checked.report is None:
        return []
    return problem_rows(ruleset_of(round_), list(checked.report.result.evidence.warnings), private)


@require_http_methods(["GET", "POST"])
@unit_only
def unit_check(request):
    """Upload a filled workbook (or YAML/JSON) and see the self-check; nothing is recorded."""
    profile = request.profile
    form = UploadForm(request.POST, request.FILES) if request.method == "POST" else UploadForm()
    if request.method == "GET" or not form.is_valid():
        return render(request, "web/unit_check.html", {"round": profile.round, "unit": profile.unit, "form": form},
                      status=200 if request.method == "GET" else 400)
    pending = uploads.keep(request.user, form.cleaned_data["file"])
    uploads.remember(request.session, pending)
    checked = check_upload(profile.round, profile.unit, pending)
    return render(request, "web/unit_check.html", {
        "round": profile.round, "unit": profile.unit, "form": UploadForm(), "checked": checked,
        "reminders": reminders(profile.round, checked, str(pending.path.parent) + "/"),
        "submit_form": SubmitForm(initial={"digest": pending.digest}) if checked.ready else None})


@require_POST
@unit_only
def unit_submit(request):
    """报送 the upload this user checked last: a new submission version, the user as its actor."""
    profile = request.profile
    form = SubmitForm(request.POST)
    found = uploads.pending(request.session, request.user, form.data.get("digest", "")) if form.is_valid() else None
    if found is None:
        raise Http404("没有找到您刚才自查的文件，请重新上传")
    checked = check_upload(profile.round, profile.unit, found)
    if not checked.ready:
        return render(request, "web/unit_check.html", {
            "round": profile.round, "unit": profile.unit, "form": UploadForm(), "checked": checked,
            "reminders": reminders(profile.round, checked, str(found.path.parent) + "/")}, status=400)
    try:
        outcome = actions.submit_many(profile.round.code, [found.path], request.user.get_username(), profile.unit)[0]
    except KaoheError as error:
        messages.error(request, "报送没有成功：" + "；".join(p.message for p in error.problems))
        return redirect("web:unit_home")
    uploads.forget(request.session, found)
    submission = outcome.submission
    if submission.accepted:
        messages.success(request, f"已报送第{submission.version}版（{submission.file_name}）"
                         + ("，逾期报送" if submission.late else ""))
    else:
        messages.error(request, f"第{submission.version}版未通过校验，不计入评分")
    return redirect("web:unit_home")


@require_GET
@unit_only
def unit_result(request):
    """The unit's own score sheet in the latest publication (公示 or final result)."""
    profile = request.profile
    published = publications(profile.round)
    if not published:
        return render(request, "web/unit_result.html", {"round": profile.round, "unit": profile.unit}, status=404)
    publication = published[-1]
    ruleset = ruleset_of(profile.round)
    result = run_results(profile.round, publication.run).get(profile.unit)
    if result is None:
        return render(request, "web/unit_result.html", {"round": profile.round, "unit": profile.unit,
                                                        "publication": publication}, status=404)
    upto = sequence_of(publication)
    notes = unit_notes(result, [n for n in adjustment_notes(profile.round, ruleset, upto) if n.unit == profile.unit],
                       [n for n in appeal_notes(profile.round, ruleset, upto) if n.unit == profile.unit])
    return render(request, "web/unit_result.html", {
        "round": profile.round, "unit": profile.unit, "publication": publication,
        "kind": actions.KINDS[publication.kind], "sheet": build_sheet(ruleset, result, notes),
        "meta": f"{actions.KINDS[publication.kind]}（第{publication.number}号发布，{shown(publication.at)}）"
                + (f"；申诉截止 {shown(publication.appeal_until)}" if publication.appeal_until else "")})
