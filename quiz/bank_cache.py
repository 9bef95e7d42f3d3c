"""The published questions a lesson's practice block draws from, cached until the bank changes.

A lesson page is read far more often than the bank is edited, so the pool of questions on a set
of concepts (with their choices) is cached under a bank version that any save or delete of a
question or choice replaces (signals below; the loader and the admin both save through the ORM).
"""

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from quiz.models import Choice, Question

VERSION_KEY = "quiz:bank-version"
POOL_SECONDS = 300


def bank_version() -> str:
    import uuid

    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, None)
        version = cache.get(VERSION_KEY)
    return version


def bank_changed() -> None:
    cache.delete(VERSION_KEY)


@receiver(post_save, sender=Question, dispatch_uid="quiz.bank_changed.question_saved")
@receiver(post_delete, sender=Question, dispatch_uid="quiz.bank_changed.question_deleted")
@receiver(post_save, sender=Choice, dispatch_uid="quiz.bank_changed.choice_saved")
@receiver(post_delete, sender=Choice, dispatch_uid="quiz.bank_changed.choice_deleted")
def _bank_changed(sender, **kwargs) -> None:
    bank_changed()


def published_pool(concept_ids: list[str]) -> list[Question]:
    """Published questions tagged with any of these concepts, choices prefetched; two queries on
    a miss, none on a hit."""
    key = f"quiz:pool:{bank_version()}:{'-'.join(sorted(concept_ids))}"
    pool = cache.get(key)
    if pool is None:
        wanted = set(concept_ids)
        questions = Question.objects.filter(is_published=True).prefetch_related("choices")
        pool = [q for q in questions if set(q.concepts) & wanted]
        cache.set(key, pool, POOL_SECONDS)
    return pool
