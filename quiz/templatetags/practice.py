"""`{% lesson_practice lesson %}`: the practice block a lesson page shows for its concepts."""

from typing import Any, Protocol

from django import template
from django.template import Context

from core.concepts import COURSE_CONCEPT_IDS
from quiz.practice import practice_block_for

register = template.Library()


class ConceptTagged(Protocol):
    """A lesson, as far as this tag reads it (quiz does not import lessons: no import cycle)."""

    concepts: list[str]


@register.inclusion_tag("quiz/_practice.html", takes_context=True)
def lesson_practice(context: Context, lesson: ConceptTagged) -> dict[str, Any]:
    request = context["request"]
    # Practice is drawn per course concept; a lesson's worked-example and erratum tags have none.
    concept_ids = [c for c in lesson.concepts if c in COURSE_CONCEPT_IDS]
    page = request.path
    items, block = (
        practice_block_for(request=request, concept_ids=concept_ids, page=page)
        if concept_ids
        else ([], "")
    )
    return {
        "items": items,
        "block": block,
        "page": page,
        "csrf_token": context.get("csrf_token"),
        "request": request,
    }
