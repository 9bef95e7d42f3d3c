"""What a lesson page shows every reader alike, cached until course content changes.

Any save or delete of a course, module, lesson or glossary term (admin, ``load_lessons``, a
re-render) replaces the content version, and every cached page and fragment is keyed by it, so
the next request renders afresh. With the per-process LocMemCache another worker process does not
see the new version: its cached pages expire after ``PAGE_SECONDS``; with Redis (REDIS_URL) every
process sees the new version at once.
"""

import re
import uuid
from collections.abc import Callable, Set
from dataclasses import dataclass
from typing import TypeVar

from django.core.cache import cache
from django.utils.safestring import SafeString, mark_safe

VERSION_KEY = "lessons:content-version"
PAGE_SECONDS = 60

T = TypeVar("T")


def content_version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        # add(): concurrent first readers agree on one version.
        cache.add(VERSION_KEY, uuid.uuid4().hex, None)
        version = cache.get(VERSION_KEY)
    return version


def content_changed() -> None:
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)


def content_cached(name: str, version: str, build: Callable[[], T]) -> T:
    """What ``build()`` makes of the content, kept under ``name`` for this content version."""
    key = f"{name}:{version}"
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, PAGE_SECONDS)
    return value


# A learner's marks in markup every reader shares. The shared template writes, where a lesson's
# completion shows, ``<!--if-done:PK-->when completed<!--else-->when not<!--end-->``; the
# markup is rendered once per content version and each request keeps one branch per mark from
# the learner's own completion. The template escapes every value it prints, so text from the
# database cannot forge a mark.
_MARK = re.compile(r"<!--if-done:(\d+)-->(.*?)<!--else-->(.*?)<!--end-->", re.DOTALL)


@dataclass(frozen=True)
class MarkedMarkup:
    """Shared markup split at its marks: ``texts`` has one more item than ``marks``, and each
    mark is (lesson pk, markup when completed, markup when not)."""

    texts: tuple[str, ...]
    marks: tuple[tuple[int, str, str], ...]

    @classmethod
    def parse(cls, html: str) -> "MarkedMarkup":
        pieces = _MARK.split(html)
        texts = tuple(pieces[::4])
        marks = tuple(
            (int(pk), done, not_done)
            for pk, done, not_done in zip(pieces[1::4], pieces[2::4], pieces[3::4], strict=True)
        )
        return cls(texts, marks)

    def for_learner(self, completed_ids: Set[int]) -> SafeString:
        """The markup with the marks of this learner's completion (``completed_ids``)."""
        out = [self.texts[0]]
        for (pk, done, not_done), text in zip(self.marks, self.texts[1:], strict=True):
            out.append(done if pk in completed_ids else not_done)
            out.append(text)
        return mark_safe("".join(out))  # the shared template escaped what it printed
