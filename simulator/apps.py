from django.apps import AppConfig


class SimulatorConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "simulator"

    def ready(self):
        from simulator import signals  # noqa: F401  (merges session predictions at sign-in)
