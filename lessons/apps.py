from django.apps import AppConfig
from django.db.models.signals import post_migrate


class LessonsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "lessons"

    def ready(self):
        from lessons import signals  # noqa: F401  (connects the glossary re-render)
        from lessons.instructors import on_post_migrate

        # After every app's migrations (and their permissions) exist, so quiz perms are found.
        post_migrate.connect(on_post_migrate, dispatch_uid="lessons.instructors")
