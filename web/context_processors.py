"""What every page may need to know: whether the user's round is closed (its final result published), so that no
page offers a form the round would refuse."""
from __future__ import annotations

from kaohe.round.models import Publication

from .access import profile_of


def round_closed(request) -> dict:
    user = getattr(request, "user", None)
    profile = profile_of(user) if user is not None and user.is_authenticated else None
    if profile is None or profile.round_id is None:
        return {}
    final = Publication.objects.filter(round_id=profile.round_id, kind=Publication.FINAL).only("number", "at").first()
    return {"closed": final} if final is not None else {}
