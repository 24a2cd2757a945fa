"""The dashboard: where the round stands (from kaohe.round.status), the latest run's scores and grade chart, and
试算, a provisional scoring recorded as a run."""
from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from kaohe.engine import KaoheError
from kaohe.round import actions
from kaohe.round.state import ruleset_of
from kaohe.round.status import round_status

from ...chart import grade_chart
from ...results import UnitScore, run_scores
from .common import actor, latest_run, office_only, problems

STATES = ("已报送", "材料不全", "未通过校验", "未报送")


@require_GET
@office_only
def dashboard(request):
    round_ = request.profile.round
    status = round_status(round_)
    rows = [{
        "unit": u, "missing": len(u.missing_values) + len(u.missing_facts), "materials": len(u.missing_materials),
        "departments": sum(len(items) for items in u.owed_departments.values()),
    } for u in status.units]
    run = latest_run(round_)
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
        run = actions.score(request.profile.round.code, actor(request), provisional=True)
    except KaoheError as error:
        messages.error(request, "试算没有完成：" + "；".join(problems(error)))
    else:
        messages.success(request, f"已完成第{run.number}次评分" + ("（暂定）" if run.provisional else "")
                         + f"，结果摘要 {run.digest[:12]}")
    return redirect("web:office")
