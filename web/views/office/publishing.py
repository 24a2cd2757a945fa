"""Publishing the 公示 (with its appeal deadline and where to appeal) or the final result."""
from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from kaohe.engine import KaoheError
from kaohe.round import actions
from kaohe.round.models import Appeal
from kaohe.round.state import shown

from .common import actor, office_only, problems, publications_of
from .forms import PublishForm


@require_http_methods(["GET", "POST"])
@office_only
def publish(request):
    round_ = request.profile.round
    form = PublishForm(request.POST if request.method == "POST" else None)
    refused: list[str] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            row = actions.publish(round_.code, data["kind"], actor(request), data["appeal_until"],
                                  data["note"].strip())
        except KaoheError as error:
            refused = problems(error)
        else:
            messages.success(request, f"已发布第{row.number}号：{actions.KINDS[row.kind]}"
                             + (f"，申诉截止 {shown(row.appeal_until)}" if row.appeal_until else "")
                             + f"（结果摘要 {row.run.digest[:12]}）")
            return redirect("web:office_publish")
    return render(request, "web/office_publish.html", {
        "round": round_, "form": form, "problems": refused, "published": publications_of(round_),
        "pending": Appeal.objects.filter(round=round_, decision__isnull=True).count()},
        status=400 if request.method == "POST" else 200)
