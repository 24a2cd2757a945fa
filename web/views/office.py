"""The office's dashboard: where the round stands, from kaohe.round.status (read-only in this slice)."""
from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_GET

from kaohe.round.actions import KINDS
from kaohe.round.status import round_status

from ..access import role_required
from ..models import Profile

STATES = ("已报送", "材料不全", "未通过校验", "未报送")


@require_GET
@role_required(Profile.OFFICE)
def dashboard(request):
    status = round_status(request.profile.round)
    rows = [{
        "unit": u, "missing": len(u.missing_values) + len(u.missing_facts), "materials": len(u.missing_materials),
        "departments": sum(len(items) for items in u.owed_departments.values()),
    } for u in status.units]
    return render(request, "web/office.html", {
        "round": request.profile.round, "status": status, "rows": rows,
        "totals": [(state, status.count(state)) for state in STATES],
        "owed_by_groups": status.owed_by_groups(), "owed_by_departments": status.owed_by_departments(),
        "published": [(p, KINDS[p.kind]) for p in status.publications]})
