"""Scoring rules, free of the database: every type of question is scored here.

Rules (the README states them for learners and instructors too):
- single choice and true/false: 1 for the correct choice, else 0.
- multiple choice ("all that apply"): partial credit
  `max(0, (right picks - wrong picks) / number of right choices)`; it counts as correct only when
  exactly the right choices are picked (score 1). Guessing everything therefore earns nothing more
  than guessing nothing.
- numeric and generated: 1 when `|answer - correct| <= tolerance` (inclusive), else 0. The
  tolerance is absolute (in the answer's unit) or a percentage of the correct value.
"""

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

ONE = Decimal("1")
ZERO = Decimal("0")
SCORE_PLACES = Decimal("0.0001")
MAX_NUMBER_LENGTH = 40

NUMBER_NOT_UNDERSTOOD = (
    "Enter a number, such as 58793.97 (commas between thousands, a $ or a % sign are fine)."
)
NUMBER_TOO_LONG = "That number is too long."
NUMBER_TOO_LARGE = "That number is too large for any answer here."
LARGEST_NUMBER = Decimal("1e15")
NUMBER_COMMA = (
    "Use a point for decimals (9.5, not 9,5); commas may only separate thousands (58,793.97)."
)

# Decorations a learner may type around a number: spaces, a currency or a per cent sign.
_DECORATION = re.compile(r"[\s$%]|USDT|USD", re.IGNORECASE)
_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$")


class NumberError(ValueError):
    pass


@dataclass(frozen=True)
class Outcome:
    score: Decimal
    is_correct: bool


def parse_number(raw: str) -> Decimal:
    """A learner's typed number as a Decimal: '58,793.97', '$58 793.97' and '9.5%' are read;
    anything else (words, two points, NaN, Infinity) raises NumberError with a message."""
    text = (raw or "").strip()
    if len(text) > MAX_NUMBER_LENGTH:
        raise NumberError(NUMBER_TOO_LONG)
    text = _DECORATION.sub("", text)
    if "," in text:
        # Only well-formed thousands groups: '9,5' is refused rather than read as 95.
        if not _THOUSANDS.match(text):
            raise NumberError(NUMBER_COMMA)
        text = text.replace(",", "")
    if not _PLAIN_NUMBER.match(text):
        raise NumberError(NUMBER_NOT_UNDERSTOOD)
    try:
        number = Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern above already rules these out
        raise NumberError(NUMBER_NOT_UNDERSTOOD) from None
    if abs(number) >= LARGEST_NUMBER:
        raise NumberError(NUMBER_TOO_LARGE)
    return number


def allowed_error(expected: Decimal, tolerance: Decimal, tolerance_mode: str) -> Decimal:
    if tolerance_mode == "percent":
        return abs(expected) * tolerance / 100
    return tolerance


def score_numeric(
    *, expected: Decimal, tolerance: Decimal, tolerance_mode: str, value: Decimal
) -> Outcome:
    right = abs(value - expected) <= allowed_error(expected, tolerance, tolerance_mode)
    return Outcome(ONE if right else ZERO, right)


def score_single(*, correct_ids: set[int], selected_ids: list[int]) -> Outcome:
    right = len(selected_ids) == 1 and selected_ids[0] in correct_ids
    return Outcome(ONE if right else ZERO, right)


def score_multiple(*, correct_ids: set[int], selected_ids: list[int]) -> Outcome:
    picked = set(selected_ids)
    right_picks = len(picked & correct_ids)
    wrong_picks = len(picked - correct_ids)
    if not correct_ids:
        return Outcome(ZERO, False)
    raw = Decimal(right_picks - wrong_picks) / Decimal(len(correct_ids))
    score = max(ZERO, raw).quantize(SCORE_PLACES, rounding=ROUND_HALF_EVEN)
    return Outcome(score, picked == correct_ids)
