from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "kaohe.web"
    label = "web"
    verbose_name = "网页端"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import signals  # noqa: F401 - connects the admin's changes to the round's audit log
