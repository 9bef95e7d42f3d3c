from django.apps import AppConfig
from django.db.models.signals import post_migrate


def grant_saved_event_permissions(sender, **kwargs) -> None:
    """Instructors may save recorded candles as events for their learners (the admin's Saved
    events): the Instructors group gets every permission on ``SavedEvent``, added only."""
    from django.contrib.auth.models import Group, Permission

    from lessons.instructors import INSTRUCTORS_GROUP

    group, _ = Group.objects.get_or_create(name=INSTRUCTORS_GROUP)
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="simulator", content_type__model="savedevent"
        )
    )


class SimulatorConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "simulator"

    def ready(self) -> None:
        from simulator import signals  # noqa: F401  (merges session predictions at sign-in)

        post_migrate.connect(grant_saved_event_permissions, sender=self)
