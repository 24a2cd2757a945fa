"""A unit's appeals against the 公示: the form (its own items, a reason, attachments), its appeals so far with
their decisions, and its own attachments back as downloads. The unit comes from request.profile, never from the
address or the form: an appeal can only be the user's own unit's, and only its own files can be fetched."""
from __future__ import annotations

from django.contrib import messages
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from kaohe.engine import KaoheError, format_points
from kaohe.round import actions, attachments
from kaohe.round.audit import now
from kaohe.round.models import Appeal, AppealFile, Publication
from kaohe.round.state import publications, ruleset_of, shown
from kaohe.web.views.office.common import score_shown

from ..access import role_required
from ..downloads import attachment
from ..forms import AppealForm
from ..models import Profile
from ..results import run_results

unit_only = role_required(Profile.UNIT)


def _window(round_) -> tuple[Publication | None, str]:
    """The 公示 an appeal would be against, and why none can be made now ("" when one can)."""
    published = publications(round_)
    notices = [p for p in published if p.kind == Publication.NOTICE]
    if not notices:
        return None, "本轮次还没有公示；公示后，在申诉期内可以对本单位的评分提出申诉。"
    if any(p.kind == Publication.FINAL for p in published):
        return notices[-1], "本轮次已公布最终结果，不再受理申诉。"
    notice = notices[-1]
    if notice.appeal_until is not None and now() > notice.appeal_until:
        return notice, f"申诉期已于 {shown(notice.appeal_until)} 结束，不再受理申诉。"
    return notice, ""


def _choices(round_, unit: str, notice: Publication) -> list[tuple[str, str]]:
    """Every scored item of the unit's sheet in the 公示, with its score there."""
    ruleset = ruleset_of(round_)
    result = run_results(round_, notice.run).get(unit)
    if result is None:
        return []
    scored = {s.item.id: s for s in result.all_items()}
    choices = []
    for item in ruleset.leaves():
        found = scored.get(item.id)
        shown = score_shown(found) if found is not None else "未评分"
        choices.append((item.id, f"{item.id} {item.title}（分值{format_points(item.points)}分，公示得分{shown}）"))
    return choices


def _own_appeals(round_, unit: str) -> list[Appeal]:
    # the files' bytes (up to 20 MB each) stay in the database: the list shows only their names
    files = Prefetch("files", queryset=AppealFile.objects.defer("content").order_by("position"))
    return list(Appeal.objects.filter(round=round_, unit=unit).select_related("decision").prefetch_related(files)
                .order_by("number"))


@require_http_methods(["GET", "POST"])
@unit_only
def unit_appeal(request):
    profile = request.profile
    round_, unit = profile.round, profile.unit
    notice, closed = _window(round_)
    choices = _choices(round_, unit, notice) if notice is not None and not closed else []
    form = None
    status = 200
    if not closed:
        form = AppealForm(request.POST or None, request.FILES or None, choices=choices)
        if request.method == "POST":
            status = 400
            if form.is_valid():
                files = [attachments.Attachment(f.name, f.read()) for f in form.cleaned_data["files"]]
                try:
                    row = actions.appeal(round_.code, unit, form.cleaned_data["items"], form.cleaned_data["reason"],
                                         request.user.get_username(), files)
                except KaoheError as error:
                    for problem in error.problems:
                        form.add_error(None, problem.message + (f"（{problem.hint}）" if problem.hint else ""))
                else:
                    messages.success(request, f"已提交第{row.number}号申诉（{'、'.join(form.cleaned_data['items'])}）"
                                     + (f"，附件 {len(files)} 个" if files else "") + "；考核办作出决定后在本页显示。")
                    return redirect("web:unit_appeal")
    elif request.method == "POST":
        messages.error(request, closed)
        return redirect("web:unit_appeal")
    return render(request, "web/unit_appeal.html", {
        "round": round_, "unit": unit, "notice": notice, "closed": closed, "form": form,
        "appeals": _own_appeals(round_, unit), "accepted": attachments.ACCEPTED,
        "limit_mb": attachments.MAX_BYTES // 1024 // 1024, "max_files": attachments.MAX_FILES}, status=status)


@require_GET
@unit_only
def unit_appeal_file(request, number: int, position: int):
    profile = request.profile
    found = AppealFile.objects.filter(appeal__round=profile.round, appeal__unit=profile.unit, appeal__number=number,
                                      position=position).first()
    if found is None:
        raise Http404("没有这个附件")
    return attachment(bytes(found.content), found.name)
