"""A unit's score sheet as a page and as xlsx, from the latest scoring run or from a publication (?publication=N),
with the adjustments and appeals up to it."""
from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from kaohe.engine import KaoheError
from kaohe.engine.render.outputs import file_stem
from kaohe.engine.render.sheet import build_sheet
from kaohe.engine.render.xlsx import sheet_xlsx
from kaohe.round import actions
from kaohe.round.history import adjustment_notes, appeal_notes, sequence_of
from kaohe.round.models import Publication, Round, ScoringRun
from kaohe.round.notes import unit_notes
from kaohe.round.state import publications, ruleset_of, shown

from ...downloads import XLSX, attachment
from ...results import run_results
from .common import latest_run, office_only, on_roster, problems, run_sequence


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

    @property
    def meta(self) -> str:
        """The line under the sheet's heading."""
        until = self.publication.appeal_until if self.publication is not None else None
        return self.label + (f"；申诉截止 {shown(until)}" if until else "")


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
    run = latest_run(round_)
    if run is None:
        raise NoSheet("本轮次还没有评分：在看板上按“试算”评分，或发布公示后再看评分表。")
    return SheetSource(run, None, run_sequence(run))


def _sheet_of(request, unit: str):
    """The unit's result in the chosen run, with its notes; 404 when it has none."""
    round_ = request.profile.round
    on_roster(round_, unit)
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
        return render(request, "web/office_unit.html", {"unit": unit, "problems": problems(error)}, status=500)
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
        return HttpResponse("；".join(problems(error)), status=500, content_type="text/plain; charset=utf-8")
    return attachment(sheet_xlsx(ruleset, result, notes), f"{file_stem(unit)}-评分表.xlsx", XLSX)
