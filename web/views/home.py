from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from ..access import profile_of
from ..models import Profile

START = {Profile.UNIT: "web:unit_home", Profile.INSPECTION: "web:group_home",
         Profile.DEPARTMENT: "web:department_home", Profile.OFFICE: "web:office", Profile.ADMIN: "admin:index"}


@login_required
def home(request):
    profile = profile_of(request.user)
    if profile is not None and profile.role in START:
        return redirect(START[profile.role])
    if profile is None and request.user.is_superuser:
        return redirect("admin:index")
    return render(request, "web/not_yet.html", {"profile": profile})
