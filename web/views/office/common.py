"""What the office's pages share: the role check, refusals in the office's words, the runs and their scores."""
from __future__ import annotations

from django.db.models import Max
from django.http import Http404

from kaohe.engine import KaoheError, UnitResult, format_points
from kaohe.round import actions
from kaohe.round.models import AuditEntry, Publication, RosterUnit, Round, ScoringRun

from ...access import role_required
from ...models import Profile
from ...results import run_results

office_only = role_required(Profile.OFFICE)


def problems(error: KaoheError) -> list[str]:
    """The refusal in the office's words; hints that name command-line options are left out on a web page."""
    lines = []
    for p in error.problems:
        hint = p.hint if p.hint and "--" not in p.hint and "kaohe " not in p.hint else ""
        lines.append(p.message + (f"（{p.location.path}）" if p.location.path else "") + (f"；{hint}" if hint else ""))
    return lines


def actor(request) -> str:
    return request.user.get_username()


def latest_run(round_: Round) -> ScoringRun | None:
    # the stored evidence and document are large: read only when the results are not cached yet
    return ScoringRun.objects.filter(round=round_).defer("evidence", "document").order_by("-number").first()


def run_sequence(run: ScoringRun) -> int:
    """The audit entry that wrote the run: the adjustments and appeals it saw are those up to it."""
    return AuditEntry.objects.get(record="ScoringRun", record_id=run.pk).seq


def last_sequence() -> int:
    return AuditEntry.objects.aggregate(last=Max("seq"))["last"] or 0


def on_roster(round_: Round, unit: str) -> None:
    if not RosterUnit.objects.filter(round=round_, name=unit).exists():
        raise Http404("本轮次的名单中没有这个单位")


def scored_in(round_: Round, run: ScoringRun | None, unit: str, item_ids) -> dict[str, str]:
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
    return {i.item.id: score_shown(i) for i in result.all_items() if i.item.id in wanted}


def score_shown(result) -> str:
    """An item's score as a page says it: 3.5分, 不适用, 未评分."""
    if result.score is not None:
        return f"{format_points(result.score)}分"
    return "不适用" if result.not_applicable else "未评分"


def publications_of(round_: Round) -> list[tuple[Publication, str]]:
    found = (Publication.objects.filter(round=round_).select_related("run")
             .defer("run__evidence", "run__document").order_by("number"))
    return [(p, actions.KINDS[p.kind]) for p in found]
