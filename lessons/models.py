"""The course: one course of ordered modules of ordered lessons, plus a glossary.

A lesson's Markdown is rendered and sanitized when it is saved (`Lesson.save`), never per request:
the lesson page only reads `body_html`, `toc` and `terms`.
"""

import hashlib
import json
import math

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from core.concept_fields import ConceptIdsField
from core.concepts import CONCEPTS
from core.links import reversed_url
from lessons.rendering import glossary_lookup, render_lesson_body

WORDS_PER_MINUTE = 200
RENDERED_FIELDS = ("body_html", "toc", "terms", "search_text", "render_problems", "reading_minutes")
# Module slugs that would collide with the fixed paths under /learn/.
RESERVED_MODULE_SLUGS = frozenset({"search", "glossary", "concepts"})


def validate_module_slug(value):
    if value in RESERVED_MODULE_SLUGS:
        raise ValidationError(
            "“%(slug)s” is a reserved path under /learn/; choose another slug.",
            params={"slug": value},
        )


def normalize_body(text: str) -> str:
    """One form for Markdown from files and from the admin (which sends CRLF and strips)."""
    return text.replace("\r\n", "\n").strip() + "\n"


def fingerprint(values: dict) -> str:
    """A stable hash of the fields the content loader writes, to tell loaded from edited."""
    canonical = json.dumps(values, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


class LoadedContent(models.Model):
    """Content that ships in the repo: `loaded_fingerprint` is the hash of what the loader wrote.

    When the current fields no longer hash to it, an instructor has edited the row in the admin
    and `load_lessons` leaves it alone unless told `--force`.
    """

    LOADED_FIELDS: tuple[str, ...] = ()

    loaded_fingerprint = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        abstract = True

    def loaded_values(self) -> dict:
        return {name: getattr(self, name) for name in self.LOADED_FIELDS}

    def current_fingerprint(self) -> str:
        return fingerprint(self.loaded_values())

    @property
    def edited_since_load(self) -> bool:
        return bool(self.loaded_fingerprint) and (
            self.current_fingerprint() != self.loaded_fingerprint
        )


class Course(LoadedContent):
    LOADED_FIELDS = ("title", "summary")

    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)

    def __str__(self):
        return self.title


class Module(LoadedContent):
    LOADED_FIELDS = ("course_id", "title", "summary", "order")

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="modules")
    slug = models.SlugField(
        unique=True,
        validators=[validate_module_slug],
        help_text="The first part of its lessons' URLs.",
    )
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    order = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ("order", "id")

    def __str__(self):
        return self.title


class LessonQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published=True)

    def in_course_order(self):
        return self.order_by("module__order", "module_id", "order", "id")


class Lesson(LoadedContent):
    LOADED_FIELDS = ("module_id", "title", "summary", "body", "concepts", "order", "published")

    module = models.ForeignKey(Module, on_delete=models.PROTECT, related_name="lessons")
    slug = models.SlugField(help_text="The last part of the lesson's URL, unique in its module.")
    title = models.CharField(max_length=200)
    summary = models.CharField(max_length=300, blank=True)
    body = models.TextField(
        help_text=(
            "Markdown. A fenced block ```simulator W4``` embeds a simulator preset; "
            "[[term]] or [[term|shown text]] links a glossary term."
        )
    )
    concepts = ConceptIdsField(
        blank=True,
        help_text="Ids this lesson teaches, e.g. C06, W6, E1 (C01-C28, W1-W10, E1-E5); the "
        "first is the concept it is the main lesson of.",
    )
    order = models.PositiveIntegerField(default=0)
    published = models.BooleanField(default=False)
    reading_minutes = models.PositiveSmallIntegerField(default=1, editable=False)
    # Set on the instances a page shows, never stored (accounts.progress, lessons.search).
    completed: bool
    snippet_html: str
    # Rendered once per edit by lessons.rendering; the page never renders Markdown itself.
    body_html = models.TextField(blank=True, editable=False)
    toc = models.JSONField(default=list, blank=True, editable=False)
    terms = models.JSONField(default=list, blank=True, editable=False)
    search_text = models.TextField(blank=True, editable=False)
    render_problems = models.JSONField(default=list, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(
        excluded_fields=["body_html", "toc", "terms", "search_text", "render_problems"]
    )
    objects = LessonQuerySet.as_manager()

    class Meta:
        ordering = ("module__order", "module_id", "order", "id")
        constraints = [
            models.UniqueConstraint(fields=("module", "slug"), name="lesson_slug_unique_in_module")
        ]

    def __str__(self):
        return self.title

    def save(self, *args, glossary=None, **kwargs):
        """Render the Markdown on every save, so the page only reads stored HTML."""
        self.body = normalize_body(self.body)
        self.render(glossary=glossary)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = set(kwargs["update_fields"]) | set(RENDERED_FIELDS)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reversed_url("lessons:lesson", self.module.slug, self.slug)

    @property
    def concept_titles(self) -> list[tuple[str, str]]:
        return [(cid, CONCEPTS[cid].title) for cid in self.concepts if cid in CONCEPTS]

    def render(self, glossary=None):
        """Render and sanitize the body into the stored fields (see lessons.rendering)."""
        if glossary is None:
            glossary = glossary_lookup(GlossaryTerm.objects.all())
        rendered = render_lesson_body(self.body, glossary=glossary)
        self.body_html = rendered.html
        self.toc = rendered.toc
        self.terms = rendered.terms
        self.search_text = rendered.text
        self.render_problems = rendered.problems
        self.reading_minutes = max(1, math.ceil(len(rendered.text.split()) / WORDS_PER_MINUTE))


class GlossaryTerm(LoadedContent):
    LOADED_FIELDS = ("term", "definition", "concepts")

    slug = models.SlugField(unique=True, help_text="Lessons link it as [[slug]] or [[slug|text]].")
    term = models.CharField(max_length=100)
    definition = models.TextField(help_text="Plain text, one or two sentences.")
    concepts = ConceptIdsField(blank=True, help_text="Ids from the concept map, e.g. C06, W6.")
    history = HistoricalRecords()

    class Meta:
        ordering = ("term",)

    def __str__(self):
        return self.term

    def concept_titles(self) -> list[tuple[str, str]]:
        """The concepts by name (learners never see the ids, only the links carry them)."""
        return [(cid, CONCEPTS[cid].title) for cid in self.concepts if cid in CONCEPTS]


class LessonCompletion(models.Model):
    """A signed-in learner finished a lesson (anonymous progress lives in the session)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_completions"
    )
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="completions")
    completed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=("user", "lesson"), name="one_completion_per_lesson")
        ]

    def __str__(self):
        return f"{self.user} completed {self.lesson}"
