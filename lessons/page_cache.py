"""What a lesson page shows every reader alike, cached until course content changes.

Any save or delete of a course, module, lesson or glossary term (admin, ``load_lessons``, a
re-render) replaces the content version, and every cached page and fragment is keyed by it, so
the next request renders afresh. With the per-process LocMemCache another worker process does not
see the new version: its cached pages expire after ``PAGE_SECONDS``; with Redis (REDIS_URL) every
process sees the new version at once.
"""

import uuid

from django.core.cache import cache

VERSION_KEY = "lessons:content-version"
PAGE_SECONDS = 60


def content_version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        # add(): concurrent first readers agree on one version.
        cache.add(VERSION_KEY, uuid.uuid4().hex, None)
        version = cache.get(VERSION_KEY)
    return version


def content_changed() -> None:
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)
