"""The simulator's stored data: candle series an instructor saved as a replayable event."""

from __future__ import annotations

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
