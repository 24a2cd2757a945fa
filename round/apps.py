from django.apps import AppConfig


class RoundConfig(AppConfig):
    name = "kaohe.round"
    label = "round"
    verbose_name = "考核轮次"
    default_auto_field = "django.db.models.BigAutoField"
