"""Links into the course from other apps: the lesson that teaches a concept."""

from __future__ import annotations

from django.urls import reverse


def concept_lesson_url(concept_id: str) -> str:
    """The lesson that teaches a concept (a binding URL: the lessons app redirects it)."""
    return reverse("lessons:concept", kwargs={"concept_id": concept_id})
