"""Adjustments: the office changes one unit's value or score with a reason. The form carries what the clerk saw;
if the record changed since (another clerk was first), the change is refused inside the write lock."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from kaohe.engine import KaoheError, format_points
from kaohe.round import actions, jsondata
from kaohe.round.history import adjustment_notes, value_text
from kaohe.round.models import Round
from kaohe.round.state import compose, roster, ruleset_of

from .common import actor, last_sequence, latest_run, office_only, on_roster, problems, scored_in
from .forms import AdjustForm


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


def _page(request, form: AdjustForm | None, unit: str, item_id: str, refused=(), status: int = 200):
    round_ = request.profile.round
    ruleset = ruleset_of(round_)
    item = ruleset.item(item_id) if item_id else None
    now = current_items(round_, unit, [item_id]).get(item_id) if unit and item is not None else None
    run = latest_run(round_)
    if form is None and now is not None:
        form = AdjustForm(initial={"unit": unit, "item": item_id, "expect": now.seen})
    notes = adjustment_notes(round_, ruleset, last_sequence())
    return render(request, "web/office_adjust.html", {
        "round": round_, "units": roster(round_), "leaves": list(ruleset.leaves()), "unit": unit, "item": item,
        "points": format_points(item.points) if item is not None else "", "current": now,
        "current_value": value_text(now.value, item.unit) if now is not None else "",
        "current_score": f"{format_points(now.score)}分" if now is not None and now.score is not None else "",
        "run": run, "run_score": scored_in(round_, run, unit, [item_id]).get(item_id, "") if now else "",
        "form": form, "problems": refused, "notes": list(reversed(notes))}, status=status)


@require_http_methods(["GET", "POST"])
@office_only
def adjust(request):
    round_ = request.profile.round
    if request.method == "GET":
        unit, item_id = request.GET.get("unit", ""), request.GET.get("item", "")
        if unit:
            on_roster(round_, unit)
        if item_id and ruleset_of(round_).item(item_id) is None:
            raise Http404("细则中没有这个指标")
        return _page(request, None, unit, item_id)
    form = AdjustForm(request.POST)
    unit, item_id = request.POST.get("unit", ""), request.POST.get("item", "")
    on_roster(round_, unit)
    if not form.is_valid():
        return _page(request, form, unit, item_id, status=400)
    data = form.cleaned_data
    try:
        seen = jsondata.load(data["expect"]) if data["expect"] else {}
    except ValueError:
        seen = None
    if not isinstance(seen, dict):
        return _page(request, form, unit, item_id, ["页面数据已损坏，请重新打开本页"], status=400)
    kind = "value" if data["new_value"] is not None else "score"
    expect = seen.get(kind) if data["expect"] else actions.UNCHECKED
    try:
        row = actions.adjust(round_.code, unit, item_id, data["reason"], actor(request), value=data["new_value"],
                             score=data["new_score"], expect=expect)
    except KaoheError as error:
        return _page(request, form, unit, item_id, problems(error), status=400)
    note = next(n for n in reversed(adjustment_notes(round_, ruleset_of(round_), last_sequence()))
                if n.item_id == item_id and n.unit == unit)
    messages.success(request, f"已调整 {row.unit} {row.item_id} {note.item_title}：{note.change}（理由：{row.reason}）")
    return redirect(reverse("web:office_adjust") + "?" + urlencode({"unit": unit, "item": item_id}))
