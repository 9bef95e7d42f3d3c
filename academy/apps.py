from django.apps import AppConfig


class AcademyConfig(AppConfig):
    name = "academy"
    verbose_name = "Margin Academy"

    def ready(self):
        from academy import checks  # noqa: F401 - registers the system checks
