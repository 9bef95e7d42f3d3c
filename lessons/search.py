"""Search across lessons and the glossary: PostgreSQL full-text search, icontains elsewhere."""

import re
from collections.abc import Sequence

from django.db import connection
from django.db.models import Q
from django.utils.html import escape
from django.utils.safestring import mark_safe

from lessons.models import GlossaryTerm, Lesson

RESULT_LIMIT = 20
SNIPPET_CHARS = 160
# PostgreSQL marks matches with these; the snippet is escaped first, then they become <mark>.
MARK_START, MARK_STOP = "{{{mark}}}", "{{{/mark}}}"


def _marked_snippet(snippet: str) -> str:
    escaped = escape(snippet)
    return mark_safe(escaped.replace(MARK_START, "<mark>").replace(MARK_STOP, "</mark>"))  # noqa: S308


def _fallback_snippet(text: str, words: list[str]) -> str:
    lowered = text.lower()
    hits = [lowered.find(word.lower()) for word in words if word.lower() in lowered]
    start = max(0, min(hits) - SNIPPET_CHARS // 3) if hits else 0
    excerpt = text[start : start + SNIPPET_CHARS]
    escaped = escape(
        ("…" if start else "") + excerpt + ("…" if len(text) > start + SNIPPET_CHARS else "")
    )
    pattern = "|".join(re.escape(escape(word)) for word in words)
    return mark_safe(re.sub(f"({pattern})", r"<mark>\1</mark>", escaped, flags=re.IGNORECASE))  # noqa: S308


def _use_full_text() -> bool:
    return connection.vendor == "postgresql"


def search_lessons(query: str, *, include_drafts: bool = False) -> Sequence[Lesson]:
    lessons = Lesson.objects.select_related("module")
    if not include_drafts:
        lessons = lessons.published()
    if _use_full_text():
        from django.contrib.postgres.search import (
            SearchHeadline,
            SearchQuery,
            SearchRank,
            SearchVector,
        )

        vector = (
            SearchVector("title", weight="A", config="english")
            + SearchVector("summary", weight="B", config="english")
            + SearchVector("search_text", weight="C", config="english")
        )
        search_query = SearchQuery(query, search_type="websearch", config="english")
        # Filter on the match itself: ts_rank gives non-matching rows a tiny positive rank.
        lessons = (
            lessons.annotate(
                document=vector,
                rank=SearchRank(vector, search_query),
                snippet=SearchHeadline(
                    "search_text",
                    search_query,
                    config="english",
                    start_sel=MARK_START,
                    stop_sel=MARK_STOP,
                    max_words=30,
                    min_words=15,
                ),
            )
            .filter(document=search_query)
            .order_by("-rank", "module__order", "order")
        )
        results = list(lessons[:RESULT_LIMIT])
        for lesson in results:
            lesson.snippet_html = _marked_snippet(lesson.snippet)
        return results
    words = query.split()
    condition = Q()
    for word in words:
        condition &= (
            Q(title__icontains=word) | Q(summary__icontains=word) | Q(search_text__icontains=word)
        )
    results = list(lessons.filter(condition).in_course_order()[:RESULT_LIMIT])
    for lesson in results:
        lesson.snippet_html = _fallback_snippet(lesson.search_text, words)
    return results


def search_glossary(query: str) -> list[GlossaryTerm]:
    terms = GlossaryTerm.objects.all()
    if _use_full_text():
        from django.contrib.postgres.search import SearchQuery, SearchVector

        vector = SearchVector("term", weight="A", config="english") + SearchVector(
            "definition", weight="B", config="english"
        )
        search_query = SearchQuery(query, search_type="websearch", config="english")
        return list(terms.annotate(document=vector).filter(document=search_query)[:RESULT_LIMIT])
    condition = Q()
    for word in query.split():
        condition &= Q(term__icontains=word) | Q(definition__icontains=word)
    return list(terms.filter(condition)[:RESULT_LIMIT])
