from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Shared vocabulary and services"

    def ready(self):
        from core import learners  # noqa: F401  (the one sign-in merge receiver)
