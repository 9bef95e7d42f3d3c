from collections.abc import Sequence
from typing import Any

from django.core.cache import cache
from django.db.models import Exists, OuterRef, Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_POST, require_safe

from core.concepts import ALL_IDS
from core.first_visits import cached_for_first_visits
from core.learners import learner_for
from core.links import reversed_url
from lessons.forms import SearchForm
from lessons.models import Course, GlossaryTerm, Lesson, LessonCompletion, Module
from lessons.page_cache import PAGE_SECONDS, MarkedMarkup, content_cached, content_version
from lessons.progress import progress_completed_ids, progress_set_complete
from lessons.search import search_glossary, search_lessons
from quiz.mastery import learner_mastery


def _can_see_drafts(user) -> bool:
    return user.is_staff


def _visible_lessons(request):
    lessons = Lesson.objects.all() if _can_see_drafts(request.user) else Lesson.objects.published()
    return lessons.in_course_order()


def _course_index(request: HttpRequest, version: str) -> dict[str, Any]:
    """The course, its visible lessons in order as light entries, and the outline's markup.

    What a reader who is not staff sees is the same for everyone, so it is built once per
    content version (see lessons.page_cache); staff see drafts and get it built afresh. Nothing
    about a learner is in it: the outline's "done" marks are chosen per request.
    """
    if _can_see_drafts(request.user):
        return _build_course_index(request)
    return content_cached("lessons:index", version, lambda: _build_course_index(request))


def _build_course_index(request: HttpRequest) -> dict[str, Any]:
    course = Course.objects.order_by("id").first()
    modules: list[dict[str, Any]] = []
    if course is not None:
        lessons = _visible_lessons(request).only(
            "id", "slug", "title", "summary", "reading_minutes", "published", "module_id"
        )
        for module in Module.objects.filter(course=course).prefetch_related(
            Prefetch("lessons", queryset=lessons, to_attr="visible_lessons")
        ):
            if not module.visible_lessons:
                continue
            modules.append(
                {
                    "slug": module.slug,
                    "title": module.title,
                    "summary": module.summary,
                    "lessons": [
                        {
                            "pk": lesson.pk,
                            "title": lesson.title,
                            "summary": lesson.summary,
                            "reading_minutes": lesson.reading_minutes,
                            "published": lesson.published,
                            "url": reversed_url("lessons:lesson", module.slug, lesson.slug),
                        }
                        for lesson in module.visible_lessons
                    ],
                }
            )
    return {
        "course": {"title": course.title, "summary": course.summary} if course else None,
        "lessons": [
            {key: lesson[key] for key in ("pk", "title", "url", "published")}
            for module in modules
            for lesson in module["lessons"]
        ],
        "outline": MarkedMarkup.parse(
            render_to_string("lessons/_outline.html", {"modules": modules})
        ),
    }


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    page = _course_index(request, content_version())
    lessons = page["lessons"]
    completed = progress_completed_ids(request=request)
    learner = learner_for(request)
    return render(
        request,
        "lessons/index.html",
        {
            "course": page["course"],
            "outline": page["outline"].for_learner(completed),
            "completed_count": sum(lesson["pk"] in completed for lesson in lessons),
            "lesson_count": len(lessons),
            "next_lesson": next(
                (
                    lesson
                    for lesson in lessons
                    if lesson["pk"] not in completed and lesson["published"]
                ),
                None,
            ),
            "mastery": learner_mastery(
                learner_key=learner.key if learner else None, now=timezone.now()
            ),
        },
    )


def _outline(request, course_id) -> tuple[list[dict], set[int]]:
    """Every visible lesson of the course in order, as light entries, and the ids the learner
    completed: one query (completion is folded in for a signed-in learner)."""
    lessons = (
        _visible_lessons(request)
        .filter(module__course_id=course_id)
        .select_related("module")
        .only("id", "slug", "title", "published", "module__slug", "module__title", "module__order")
    )
    signed_in = request.user.is_authenticated
    if signed_in:
        lessons = lessons.annotate(
            completed=Exists(
                LessonCompletion.objects.filter(user=request.user, lesson=OuterRef("pk"))
            )
        )
    entries, completed = [], set()
    for item in lessons:
        entries.append(
            {
                "pk": item.pk,
                "title": item.title,
                "url": item.get_absolute_url(),
                "module_id": item.module_id,
                "published": item.published,
            }
        )
        if signed_in and item.completed:
            completed.add(item.pk)
    if not signed_in:
        completed = progress_completed_ids(request=request)
    return entries, completed


def _lesson_page(request, module_slug, lesson_slug, version) -> tuple[dict, set[int]]:
    """The lesson, its course outline and its module's lesson list (markup with completion
    marks), and the ids the learner completed.

    What a reader who is not staff sees of the lesson and the outline is the same for everyone,
    so it is cached per content version (see lessons.page_cache); staff see drafts and are not
    served from the cache.
    """
    staff = _can_see_drafts(request.user)
    key = f"lessons:page:{version}:{module_slug}:{lesson_slug}"
    page = None if staff else cache.get(key)
    if page is not None:
        return page, progress_completed_ids(request=request)
    lesson = get_object_or_404(
        Lesson.objects.select_related("module__course"), module__slug=module_slug, slug=lesson_slug
    )
    if not lesson.published and not staff:
        raise Http404("No such lesson.")
    outline, completed = _outline(request, lesson.module.course_id)
    module_lessons = [item for item in outline if item["module_id"] == lesson.module_id]
    page = {
        "lesson": lesson,
        "outline": outline,
        "module_nav": MarkedMarkup.parse(
            render_to_string(
                "lessons/_module_nav.html", {"lesson": lesson, "module_lessons": module_lessons}
            )
        ),
    }
    if not staff:
        cache.set(key, page, PAGE_SECONDS)
    return page, completed


@require_safe
@cached_for_first_visits(version=content_version, seconds=PAGE_SECONDS)
def lesson_detail(request, module_slug, lesson_slug):
    version = content_version()
    page, completed_ids = _lesson_page(request, module_slug, lesson_slug, version)
    lesson, outline = page["lesson"], page["outline"]
    position = next(i for i, item in enumerate(outline) if item["pk"] == lesson.pk)
    return render(
        request,
        "lessons/lesson.html",
        {
            "lesson": lesson,
            "module_nav": page["module_nav"].for_learner(completed_ids),
            "previous_lesson": outline[position - 1] if position > 0 else None,
            "next_lesson": outline[position + 1] if position + 1 < len(outline) else None,
            "completed": lesson.pk in completed_ids,
            "position": position + 1,
            "lesson_count": len(outline),
            # The learner-independent fragments of the template are cached under these.
            "content_version": version,
            "staff_view": _can_see_drafts(request.user),
            "fragment_seconds": PAGE_SECONDS,
        },
    )


@require_POST
def lesson_complete(request, module_slug, lesson_slug):
    """Mark a lesson complete (complete=1) or not (complete=0): htmx gets the button back."""
    lesson = get_object_or_404(
        Lesson.objects.select_related("module"), module__slug=module_slug, slug=lesson_slug
    )
    if not lesson.published and not _can_see_drafts(request.user):
        raise Http404("No such lesson.")
    complete = request.POST.get("complete", "1") != "0"
    progress_set_complete(request=request, lesson=lesson, complete=complete)
    if request.htmx:
        response = render(
            request,
            "lessons/_completion.html",
            {"lesson": lesson, "completed": complete, "just_changed": True},
        )
    else:
        response = redirect(lesson)
    patch_vary_headers(response, ("HX-Request",))
    return response


@require_safe
def concept_lesson(request, concept_id):
    """Redirect to the published lesson that teaches a concept (or worked example, or erratum)."""
    if concept_id not in ALL_IDS:
        raise Http404("Unknown concept id.")
    candidates = [
        lesson
        for lesson in Lesson.objects.published()
        .in_course_order()
        .select_related("module")
        .only("slug", "concepts", "module__slug")
        if concept_id in lesson.concepts
    ]
    if not candidates:
        raise Http404("No published lesson teaches this concept yet.")
    # A lesson that names the id first is about it; otherwise the first mention in course order.
    main = next((lesson for lesson in candidates if lesson.concepts[0] == concept_id), None)
    return redirect(main or candidates[0])


@require_safe
def search(request):
    form = SearchForm(request.GET or None)
    lessons: Sequence[Lesson] = []
    terms: list[GlossaryTerm] = []
    if form.is_valid():
        query = form.cleaned_data["q"]
        lessons = search_lessons(query, include_drafts=_can_see_drafts(request.user))
        terms = search_glossary(query)
    return render(
        request,
        "lessons/search.html",
        {"form": form, "lessons": lessons, "terms": terms, "searched": form.is_valid()},
    )


@require_safe
def glossary(request):
    return render(request, "lessons/glossary.html", {"terms": GlossaryTerm.objects.all()})
