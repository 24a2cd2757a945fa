"""The appeals queue, one appeal with its files and the scores of its items, and the decision: 维持 (the
correction becomes an adjustment) or 驳回, with a reason."""
from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from kaohe.engine import KaoheError, format_points
from kaohe.round import actions, jsondata
from kaohe.round.history import appeal_notes, value_text
from kaohe.round.models import Appeal, AppealFile, Decision, Round
from kaohe.round.state import ruleset_of

from ...downloads import attachment
from .adjustments import current_items
from .common import actor, last_sequence, latest_run, office_only, problems, scored_in
from .forms import DecideForm


@require_GET
@office_only
def appeals(request):
    round_ = request.profile.round
    notes = appeal_notes(round_, ruleset_of(round_), last_sequence())
    files = dict(AppealFile.objects.filter(appeal__round=round_).values("appeal__number")
                 .annotate(count=Count("id")).values_list("appeal__number", "count"))
    return render(request, "web/office_appeals.html", {
        "round": round_, "rows": [(n, files.get(n.number, 0)) for n in notes],
        "pending": sum(1 for n in notes if n.decision == "未决定")})


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
    noticed = scored_in(round_, appeal.publication.run, appeal.unit, item_ids)
    latest = scored_in(round_, latest_run(round_), appeal.unit, item_ids)
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
    refused: list[str] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        upheld = data["outcome"] == "uphold"
        try:
            actions.decide(round_.code, number, upheld, data["reason"], actor(request),
                           data["item"] if upheld else "", data["new_value"], data["new_score"])
        except KaoheError as error:
            refused = problems(error)
        else:
            messages.success(request, f"第{number}号申诉已{'维持' if upheld else '驳回'}" +
                             ("，更正记为一次调整" if upheld else ""))
            return redirect("web:office_appeal", number=number)
    decision = Decision.objects.filter(appeal=found).first()
    return render(request, "web/office_appeal.html", {
        "round": round_, "appeal": found, "items": items, "reason": found.reason,
        "files": list(found.files.defer("content").order_by("position")), "decision": decision,
        "adjustments": list(found.adjustments.order_by("id")), "form": None if decision else form,
        "problems": refused, "kind": actions.KINDS[found.publication.kind]},
        status=400 if request.method == "POST" else 200)


@require_GET
@office_only
def appeal_file(request, number: int, position: int):
    found = AppealFile.objects.filter(appeal__round=request.profile.round, appeal__number=number,
                                      position=position).first()
    if found is None:
        raise Http404("没有这个附件")
    return attachment(bytes(found.content), found.name)
