"""Simulator predictions as evidence of mastery.

The simulator's "predict, then reveal" produces a record (simulator.details.compare_prediction):
``{"concepts": ["C06", "C04", "C05"], "survivor_correct": bool, "price_error": "0.0123" | None}``.
Anonymous learners keep the last records in the session under ``SESSION_KEY``; signed-in learners
get a `Prediction` row, and signing in moves the session's records into the account.
"""

from collections import defaultdict
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction

from simulator.models import Prediction

SESSION_KEY = "simulator_predictions"
SESSION_KEPT = 50
# The concept the predicted liquidation price tests; the others are tested by the survivor pick.
PRICE_CONCEPT = "C06"
# A predicted liquidation price this close (fraction of the engine's) scores 1, twice as far 0.5.
PRICE_SPOT_ON = Decimal("0.005")
PRICE_CLOSE = Decimal("0.02")
PREDICTION_WINDOW = 5  # like the quiz: the last N predictions about a concept count
PREDICTION_SCAN = 500


def _clean(record) -> dict | None:
    """A record as stored, or None if it is not one (the session is ours, but be strict)."""
    if not isinstance(record, dict) or not isinstance(record.get("survivor_correct"), bool):
        return None
    concepts = record.get("concepts")
    if not isinstance(concepts, list) or not all(isinstance(c, str) for c in concepts):
        return None
    price_error = record.get("price_error")
    if price_error is not None:
        try:
            price_error = abs(Decimal(str(price_error)))
        except InvalidOperation:
            return None
        if not price_error.is_finite():
            return None
    return {
        "concepts": concepts,
        "survivor_correct": record["survivor_correct"],
        "price_error": price_error,
    }


def session_predictions(session) -> list[dict]:
    """The anonymous learner's cleaned records, oldest first."""
    raw = session.get(SESSION_KEY, [])
    records = (_clean(record) for record in raw) if isinstance(raw, list) else ()
    return [record for record in records if record is not None]


def prediction_record(*, request, record: dict) -> None:
    """Keep a prediction for whoever made it: a row when signed in, else in the session."""
    if request.user.is_authenticated:
        cleaned = _clean(record)
        if cleaned is not None:
            Prediction.objects.create(user=request.user, **cleaned)
        return
    history = request.session.get(SESSION_KEY, [])[-(SESSION_KEPT - 1) :]
    history.append(record)
    request.session[SESSION_KEY] = history


def predictions_merge_session_into_user(*, session, user) -> int:
    """Move the session's predictions into the account (at sign-in); returns how many moved.

    The session key is removed in the same step, so signing in again cannot count them twice.
    """
    records = session_predictions(session)
    session.pop(SESSION_KEY, None)
    if not records:
        return 0
    with transaction.atomic():
        # Oldest first, so primary keys keep the order they were made in.
        Prediction.objects.bulk_create([Prediction(user=user, **record) for record in records])
    return len(records)


def prediction_scores(record: Mapping[str, Any]) -> dict[str, Decimal]:
    """What one prediction says about each concept it tests, 0..1.

    The survivor pick scores every concept but the price one; the price scores `PRICE_CONCEPT`
    only when a price was predicted (1 within 0.5 %, 0.5 within 2 %, else 0).
    """
    scores = {}
    for concept_id in record["concepts"]:
        if concept_id == PRICE_CONCEPT:
            error = record["price_error"]
            if error is None:
                continue
            scores[concept_id] = (
                Decimal(1)
                if error < PRICE_SPOT_ON
                else Decimal("0.5")
                if error < PRICE_CLOSE
                else Decimal(0)
            )
        else:
            scores[concept_id] = Decimal(1) if record["survivor_correct"] else Decimal(0)
    return scores


def recent_prediction_scores(*, user=None, session=None) -> dict[str, list[Decimal]]:
    """Per concept, the scores of the learner's last `PREDICTION_WINDOW` predictions (newest first).

    Signed in: one query over the account's latest predictions. Anonymous: the session.
    """
    if user is not None and user.is_authenticated:
        records: list[Mapping[str, Any]] = list(
            Prediction.objects.filter(user=user).values(
                "concepts", "survivor_correct", "price_error"
            )[:PREDICTION_SCAN]
        )
    elif session is not None:
        records = list(reversed(session_predictions(session)))
    else:
        records = []
    recent: dict[str, list[Decimal]] = defaultdict(list)
    for record in records:
        for concept_id, score in prediction_scores(record).items():
            if len(recent[concept_id]) < PREDICTION_WINDOW:
                recent[concept_id].append(score)
    return dict(recent)
