"""Keep rendered lessons in step with the glossary; carry anonymous progress into an account."""

from contextlib import contextmanager
from contextvars import ContextVar

from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from lessons.models import RENDERED_FIELDS, GlossaryTerm, Lesson
from lessons.progress import progress_merge_session_into_user
from lessons.rendering import glossary_lookup

_rerender_suspended: ContextVar[bool] = ContextVar("rerender_suspended", default=False)


@contextmanager
def glossary_rerender_suspended():
    """For bulk loads that render every lesson afterwards anyway."""
    token = _rerender_suspended.set(True)
    try:
        yield
    finally:
        _rerender_suspended.reset(token)


def rerender_lessons(lessons=None) -> int:
    """Re-render lessons in place (no history rows: the Markdown is unchanged)."""
    glossary = glossary_lookup(GlossaryTerm.objects.all())
    lessons = list(Lesson.objects.all() if lessons is None else lessons)
    for lesson in lessons:
        lesson.render(glossary=glossary)
    Lesson.objects.bulk_update(lessons, RENDERED_FIELDS)
    return len(lessons)


@receiver(post_save, sender=GlossaryTerm, dispatch_uid="lessons.glossary_saved")
@receiver(post_delete, sender=GlossaryTerm, dispatch_uid="lessons.glossary_deleted")
def glossary_changed(sender, raw=False, **kwargs):
    if not raw and not _rerender_suspended.get():
        rerender_lessons(Lesson.objects.filter(body__contains="[["))


@receiver(user_logged_in, dispatch_uid="lessons.merge_session_progress")
def merge_session_progress(sender, request, user, **kwargs):
    """Lessons completed before signing in (or signing up) count for the account."""
    if request is not None and hasattr(request, "session"):
        progress_merge_session_into_user(request=request, user=user)
