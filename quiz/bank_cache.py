"""The published questions a lesson's practice block draws from, cached until the bank changes.

A lesson page is read far more often than the bank is edited, so the pool of questions on a set
of concepts (with their choices) is kept under a bank version that any save or delete of a
question or choice replaces (signals below; the loader and the admin both save through the ORM).

The version lives in the shared cache, so an edit made through one process is seen by every
other at its next request; the pools themselves live in each process's memory, keyed by that
version. A lesson request then costs one small cache get (the version) and unpickles nothing:
unpickling the pool from the shared cache was about 15% of a signed-in lesson request. The pools
are read, never changed, by the practice block (quiz.practice wraps each question in an item).
"""

import uuid

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from quiz.models import Choice, Question

VERSION_KEY = "quiz:bank-version"

# This process's pools: the bank version they were read at, and per sorted concept set its pool.
# Only the current version's are kept (a new version drops them all), so memory stays at one
# pool per lesson concept set.
_pools_version = ""
_pools: dict[str, list[Question]] = {}


def bank_version() -> str:
    """The bank's current version, from the shared cache (one get; a new one after an edit)."""
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, None)
        version = cache.get(VERSION_KEY)
    return version


def bank_changed() -> None:
    """A new version now, and again once the edit is committed: a process that reads the bank
    between the two (the edit not visible yet) keeps its pool under a version that the commit
    then replaces."""
    cache.delete(VERSION_KEY)
    transaction.on_commit(lambda: cache.delete(VERSION_KEY))


@receiver(post_save, sender=Question, dispatch_uid="quiz.bank_changed.question_saved")
@receiver(post_delete, sender=Question, dispatch_uid="quiz.bank_changed.question_deleted")
@receiver(post_save, sender=Choice, dispatch_uid="quiz.bank_changed.choice_saved")
@receiver(post_delete, sender=Choice, dispatch_uid="quiz.bank_changed.choice_deleted")
def _bank_changed(sender, **kwargs) -> None:
    bank_changed()


def published_pool(concept_ids: list[str]) -> list[Question]:
    """Published questions tagged with any of these concepts, choices prefetched; two queries
    the first time this process asks at this bank version, none after. The list is shared by
    every request in the process: callers must not change it or its questions."""
    global _pools_version, _pools
    version = bank_version()
    if version != _pools_version:
        _pools_version, _pools = version, {}
    key = "-".join(sorted(concept_ids))
    pool = _pools.get(key)
    if pool is None:
        wanted = set(concept_ids)
        questions = Question.objects.filter(is_published=True).prefetch_related("choices")
        pool = [q for q in questions if set(q.concepts) & wanted]
        _pools[key] = pool
    return pool
