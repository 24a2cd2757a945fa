"""Changes made in the administrators' admin (users, their roles, passwords) go into the round's audit log
too, with the administrator who made them: Django's own admin history (LogEntry) is not tamper-evident."""
from __future__ import annotations

from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.db.models.signals import post_save
from django.dispatch import receiver

from .accounts import log_account

DONE = {ADDITION: "新建", CHANGE: "修改", DELETION: "删除"}


def _round_code(entry: LogEntry) -> str:
    """The round of the user changed, when the object is a user with a role in a round."""
    from django.contrib.auth import get_user_model
    model = entry.content_type.model_class() if entry.content_type_id else None
    if model is not get_user_model() or not entry.object_id:
        return ""
    from .models import Profile
    profile = Profile.objects.filter(user_id=entry.object_id).select_related("round").first()
    return profile.round.code if profile and profile.round_id else ""


@receiver(post_save, sender=LogEntry, dispatch_uid="kaohe-admin-audit")
def admin_change_audited(sender, instance: LogEntry, created: bool, **kwargs) -> None:
    if not created:
        return
    what = instance.content_type.name if instance.content_type_id else "对象"
    change = instance.get_change_message()
    summary = f"管理后台{DONE.get(instance.action_flag, '操作')}{what}“{instance.object_repr}”" + (
        f"：{change}" if change else "")
    log_account(summary[:2000], instance.user.get_username(), _round_code(instance),
                {"admin": DONE.get(instance.action_flag, ""), "object": instance.object_repr, "change": change})
