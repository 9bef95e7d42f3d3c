"""Which lessons a learner has completed.

Signed-in learners: `LessonCompletion` rows. Anonymous learners: the session key
``SESSION_KEY`` ("lessons.completed") holds a plain list of completed lesson ids (ints), e.g.
``[3, 7]``, so that signing in can merge it into the account (`progress_merge_session_into_user`).
"""

from lessons.models import Lesson, LessonCompletion

SESSION_KEY = "lessons.completed"


def _session_ids(request) -> list[int]:
    raw = request.session.get(SESSION_KEY, [])
    return [item for item in raw if isinstance(item, int)] if isinstance(raw, list) else []


def progress_completed_ids(*, request) -> set[int]:
    if request.user.is_authenticated:
        return set(
            LessonCompletion.objects.filter(user=request.user).values_list("lesson_id", flat=True)
        )
    # Reading does not modify the session, so no cookie is set for a visitor who only reads.
    return set(_session_ids(request))


def progress_set_complete(*, request, lesson: Lesson, complete: bool) -> None:
    """Mark a lesson complete (or not) for whoever is asking."""
    if request.user.is_authenticated:
        if complete:
            LessonCompletion.objects.get_or_create(user=request.user, lesson=lesson)
        else:
            LessonCompletion.objects.filter(user=request.user, lesson=lesson).delete()
        return
    ids = [item for item in _session_ids(request) if item != lesson.pk]
    if complete:
        ids.append(lesson.pk)
    request.session[SESSION_KEY] = ids


def progress_merge_session_into_user(*, request, user) -> int:
    """Move anonymous progress into the account (for sign-in); returns how many were new."""
    ids = _session_ids(request)
    if not ids:
        return 0
    existing = set(
        LessonCompletion.objects.filter(user=user, lesson_id__in=ids).values_list(
            "lesson_id", flat=True
        )
    )
    valid = set(Lesson.objects.filter(pk__in=set(ids) - existing).values_list("pk", flat=True))
    LessonCompletion.objects.bulk_create(
        [LessonCompletion(user=user, lesson_id=pk) for pk in sorted(valid)], ignore_conflicts=True
    )
    request.session.pop(SESSION_KEY, None)
    return len(valid)
