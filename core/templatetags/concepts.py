"""Concepts as learners read them: `{{ ids|concept_names }}` ("Isolated margin"). The apps'
per-concept lists (mastery levels, the progress page's chart and table) have their renderers in
their own apps, on core.links.concept_lesson_links."""

from __future__ import annotations

from collections.abc import Iterable

from django import template

from core.concepts import CONCEPTS

register = template.Library()


@register.filter(name="concept_names")
def concept_names(ids: Iterable[str]) -> str:
    """The names of the known concepts among `ids`, in order; an unknown id is left out rather
    than shown raw (learners never see the ids)."""
    return ", ".join(CONCEPTS[concept_id].title for concept_id in ids if concept_id in CONCEPTS)
