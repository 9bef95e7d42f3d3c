"""Keep rendered lessons in step with the glossary; carry anonymous progress into an account."""

from contextlib import contextmanager
from contextvars import ContextVar

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from core.learners import session_merger
from lessons.models import RENDERED_FIELDS, Course, GlossaryTerm, Lesson, Module
from lessons.page_cache import content_changed
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
    content_changed()  # bulk_update sends no signals
    return len(lessons)


@receiver(post_save, sender=GlossaryTerm, dispatch_uid="lessons.glossary_saved")
@receiver(post_delete, sender=GlossaryTerm, dispatch_uid="lessons.glossary_deleted")
def glossary_changed(sender, raw=False, **kwargs):
    if not raw and not _rerender_suspended.get():
        rerender_lessons(Lesson.objects.filter(body__contains="[["))


@receiver(post_save, sender=Course, dispatch_uid="lessons.page_cache.course_saved")
@receiver(post_delete, sender=Course, dispatch_uid="lessons.page_cache.course_deleted")
@receiver(post_save, sender=Module, dispatch_uid="lessons.page_cache.module_saved")
@receiver(post_delete, sender=Module, dispatch_uid="lessons.page_cache.module_deleted")
@receiver(post_save, sender=Lesson, dispatch_uid="lessons.page_cache.lesson_saved")
@receiver(post_delete, sender=Lesson, dispatch_uid="lessons.page_cache.lesson_deleted")
@receiver(post_save, sender=GlossaryTerm, dispatch_uid="lessons.page_cache.term_saved")
@receiver(post_delete, sender=GlossaryTerm, dispatch_uid="lessons.page_cache.term_deleted")
def course_content_changed(sender, **kwargs):
    """Cached lesson pages are keyed by the content version: a new one retires them all."""
    content_changed()


@session_merger("lesson completions")
def merge_session_progress(*, request, user):
    """Lessons completed before signing in (or signing up) count for the account."""
    progress_merge_session_into_user(request=request, user=user)
