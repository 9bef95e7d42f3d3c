"""Targets for benchmarks/http_bench.py: a published lesson page, as an anonymous reader sees it."""

from lessons.models import Lesson


def bench_targets(Browser, base_url, env):
    from benchmarks.http_bench import Target

    lessons = list(Lesson.objects.published().select_related("module").in_course_order())
    if not lessons:
        return []
    # A lesson from the middle of the course: the first ones are the shortest.
    lesson = lessons[len(lessons) // 2]
    return [Target("lesson page", lesson.get_absolute_url(), expect=lesson.title)]
