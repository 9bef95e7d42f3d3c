"""The simulator's own records: predictions a signed-in learner made before a reveal, and candle
series an instructor saved as a replayable event."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from margin.candles import CandleError, CandleSeries, parse_candles
from margin.event_catalog import LAST, MARK, PRICE_TYPE_LABELS


def validate_candles(text: str) -> None:
    try:
        parse_candles(text)
    except CandleError as error:
        raise ValidationError(error.message) from None


class SavedEvent(models.Model):
    """Recorded candles an instructor uploaded and chose to keep, replayable by every learner.

    Learners' own uploads are never stored here: they live in the learner's session only."""

    PRICE_TYPES = [(MARK, PRICE_TYPE_LABELS[MARK]), (LAST, PRICE_TYPE_LABELS[LAST])]

    title = models.CharField(max_length=120)
    symbol = models.CharField(max_length=20, help_text="The market the candles are for.")
    price_type = models.CharField(max_length=10, choices=PRICE_TYPES, default=LAST)
    source = models.CharField(
        max_length=300,
        help_text="Where the candles come from (exchange, market, how they were downloaded).",
    )
    description = models.TextField(blank=True, help_text="What happened, in a few sentences.")
    candles = models.TextField(
        validators=[validate_candles],
        help_text="CSV with a header: timestamp, open, high, low, close.",
    )
    published = models.BooleanField(default=True, help_text="Offer it on the event replay page.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def series(self) -> CandleSeries:
        return parse_candles(self.candles)


class Prediction(models.Model):
    """One "predict, then reveal" in the simulator, as the simulator recorded it.

    The simulator's record (see simulator.details.compare_prediction) names the concepts it tests,
    whether the learner picked the right survivor (isolated, cross, both, neither) and how far off
    the predicted liquidation price was, as a fraction. Anonymous learners' records wait in the
    session under ``simulator_predictions`` until they sign in.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="predictions"
    )
    concepts = models.JSONField(default=list)
    survivor_correct = models.BooleanField()
    price_error = models.DecimalField(
        max_digits=16,
        decimal_places=8,
        null=True,
        blank=True,
        help_text="|predicted - engine| / engine liquidation price; empty if no price was given.",
    )
    made_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        # The table and index keep the names they had while the model lived in accounts.
        db_table = "accounts_prediction"
        ordering = ["-made_at", "-pk"]
        indexes = [models.Index(fields=["user", "-made_at"], name="accounts_pr_user_id_41954e_idx")]

    def __str__(self):
        return f"{self.user} predicted {'right' if self.survivor_correct else 'wrong'}"
