"""The "Instructors" group: may edit lessons, the glossary and quiz content, and nothing else.

A data migration creates the group with the lessons permissions; `grant_instructor_permissions` runs
after every `migrate` (post_migrate) so quiz permissions are added once the quiz app has models, and
the group is recreated if a test flush removed it.
"""

INSTRUCTORS_GROUP = "Instructors"
LESSONS_CONTENT_MODELS = ("course", "module", "lesson", "glossaryterm")
# Quiz models holding learners' own data, not content an instructor writes.
QUIZ_LEARNER_DATA_WORDS = ("attempt", "answer", "response", "result", "submission", "progress")


def instructor_content_types(apps=None):
    """Content types of lessons' content models and of every quiz model that is not learner data."""
    content_type_model = (apps or _global_apps()).get_model("contenttypes", "ContentType")
    lessons = content_type_model.objects.filter(
        app_label="lessons", model__in=LESSONS_CONTENT_MODELS
    )
    quiz = [
        content_type
        for content_type in content_type_model.objects.filter(app_label="quiz")
        if not content_type.model.startswith("historical")
        and not any(word in content_type.model for word in QUIZ_LEARNER_DATA_WORDS)
    ]
    return [*lessons, *quiz]


def _global_apps():
    from django.apps import apps

    return apps


def grant_instructor_permissions(apps=None):
    """Create the group if missing; give it every permission on instructor content (adds only)."""
    apps = apps or _global_apps()
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    group, _ = group_model.objects.get_or_create(name=INSTRUCTORS_GROUP)
    permissions = permission_model.objects.filter(
        content_type__in=[ct.pk for ct in instructor_content_types(apps)]
    )
    group.permissions.add(*permissions)
    return group


def on_post_migrate(sender, **kwargs):
    # Quiz permissions exist only after post_migrate has run for the quiz app (after lessons).
    if sender.label in ("lessons", "quiz"):
        grant_instructor_permissions()
