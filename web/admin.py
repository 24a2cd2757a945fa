"""Django's admin for administrators: users with their role (the profile) on the same page."""
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from kaohe.round.models import Round

from .models import Profile


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False
    fk_name = "user"


class KaoheUserAdmin(UserAdmin):
    inlines = [ProfileInline]
    list_display = ("username", "profile", "is_active", "is_staff", "last_login")

    @admin.display(description="角色")
    def profile(self, user):
        return getattr(user, "kaohe_profile", "")


admin.site.unregister(get_user_model())
admin.site.register(get_user_model(), KaoheUserAdmin)


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    """Rounds, to look at: a round is created with `kaohe round new`, and its history is never changed."""

    list_display = ("code", "title", "ruleset_id", "ruleset_version", "at", "actor")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
