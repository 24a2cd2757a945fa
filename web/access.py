"""Who may open a page: a logged-in user whose profile has one of the page's roles, bound to a round. The page
gets the profile as `request.profile`; a unit's pages read the unit from it and from nothing else."""
from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from kaohe.round.models import RosterUnit

from .models import Profile


def profile_of(user) -> Profile | None:
    try:
        return user.kaohe_profile
    except Profile.DoesNotExist:
        return None


def role_required(*roles: str):
    def decorator(view):
        @login_required
        @wraps(view)
        def checked(request, *args, **kwargs):
            profile = profile_of(request.user)
            if profile is None or profile.role not in roles or profile.round_id is None:
                raise PermissionDenied("您的账号没有打开这一页的权限")
            if profile.role == Profile.UNIT and not RosterUnit.objects.filter(round_id=profile.round_id,
                                                                              name=profile.unit).exists():
                raise PermissionDenied("您的账号没有绑定本轮次名单中的被考核单位")
            request.profile = profile
            return view(request, *args, **kwargs)
        return checked
    return decorator
