"""Who a user is in a round: a role and, for a unit, an inspection group or a department, which one.

The role is also a Django group of the same name (roles.py keeps the two together), so the admin lists users
by role; the pages read the profile.
"""
from __future__ import annotations

from django.conf import settings
from django.db import models


class Profile(models.Model):
    UNIT, INSPECTION, DEPARTMENT, OFFICE, ADMIN = "unit", "inspection", "department", "office", "admin"
    ROLES = [(UNIT, "单位"), (INSPECTION, "考核组"), (DEPARTMENT, "牵头部门"), (OFFICE, "考核办"), (ADMIN, "管理员")]

    user = models.OneToOneField(settings.AUTH_USER_MODEL, models.CASCADE, related_name="kaohe_profile",
                                verbose_name="用户")
    role = models.CharField("角色", max_length=20, choices=ROLES)
    round = models.ForeignKey("round.Round", models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name="考核轮次")
    unit = models.CharField("单位", max_length=100, blank=True)
    group = models.CharField("考核组", max_length=100, blank=True)
    department = models.CharField("牵头部门", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "角色"

    def __str__(self) -> str:
        bound = self.unit or self.group or self.department
        text = f"{self.get_role_display()} {bound}" if bound else self.get_role_display()
        return f"{text}（轮次 {self.round.code}）" if self.round_id else text
