"""How guessable the question bank is: test-wise strategies that know nothing about margin.

A good bank gives such a strategy no better than chance. Each strategy picks an answer from the
wording alone (length, absolute words, "False"); its expected score is computed exactly, with a
tie between candidates counted as a uniform random pick among them (so nothing here is random).

Strategies, over the published choice questions (single, multiple, true/false):
- `longest`: the longest option (true/false: the longer label, i.e. always "False").
- `shortest`: the shortest option (true/false: "True"), the cue a bank overcorrected for
  length would leave.
- `avoid_absolutes`: an option without never/always/only/all/... words; true/false answers
  False when the prompt has an absolute word and True otherwise.
- `always_false`: true/false answers False; other questions get a random pick (chance).
- `combined`: the longest option without absolutes, "False", and for "all that apply" every
  option without an absolute word (the rule measured in the content review).

The functions work on YAML entries (plain dicts as `quiz.loader` reads them), so the test suite
and the `audit_bank` command read the same files as the loader.
"""

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from quiz.loader import CONTENT_DIR, bank_concepts, read_yaml

ABSOLUTE_WORDS = re.compile(
    r"\b(never|always|only|all|cannot|can't|nothing|every|everything|exactly|none|whole)\b",
    re.IGNORECASE,
)
CHOICE_KINDS = ("single", "multiple", "true_false")


def has_absolute(text: str) -> bool:
    return bool(ABSOLUTE_WORDS.search(text))


def published_entries(directory=CONTENT_DIR) -> list[dict]:
    entries: list[dict] = []
    for path in sorted((directory / "questions").glob("*.yaml")):
        entries.extend(read_yaml(path.read_text(encoding="utf-8"), path.name))
    return [entry for entry in entries if entry.get("published", True)]


def _choices(entry: dict) -> list[dict]:
    return entry.get("choices") or []


def _is_true_false_key_true(entry: dict) -> bool:
    return any(str(c["key"]).lower() == "true" and c.get("correct") for c in _choices(entry))


def _share_correct(candidates: list[dict]) -> Fraction:
    """Expected score of a uniform random pick among `candidates` (single-answer questions)."""
    if not candidates:
        return Fraction(0)
    return Fraction(sum(bool(c.get("correct")) for c in candidates), len(candidates))


def _multiple_score(picked: list[dict], choices: list[dict]) -> Fraction:
    """The bank's partial credit: max(0, (right picks - wrong picks) / right choices)."""
    right = sum(bool(c.get("correct")) for c in choices)
    right_picks = sum(bool(c.get("correct")) for c in picked)
    wrong_picks = len(picked) - right_picks
    return max(Fraction(0), Fraction(right_picks - wrong_picks, right)) if right else Fraction(0)


def _longest(choices: list[dict]) -> list[dict]:
    if not choices:
        return []
    top = max(len(str(c["text"])) for c in choices)
    return [c for c in choices if len(str(c["text"])) == top]


def _chance(entry: dict) -> Fraction:
    choices = _choices(entry)
    if entry.get("kind") == "multiple":
        # A random pick of one option: its expected partial credit.
        return sum((_multiple_score([c], choices) for c in choices), Fraction(0)) / len(choices)
    return _share_correct(choices)


def _true_false(entry: dict, answer_true: bool) -> Fraction:
    return Fraction(int(_is_true_false_key_true(entry) == answer_true))


def score_longest(entry: dict) -> Fraction:
    choices = _choices(entry)
    if entry["kind"] == "true_false":
        return _true_false(entry, answer_true=False)  # "False" is the longer label
    candidates = _longest(choices)
    if entry["kind"] == "multiple":
        return sum((_multiple_score([c], choices) for c in candidates), Fraction(0)) / len(
            candidates
        )
    return _share_correct(candidates)


def score_shortest(entry: dict) -> Fraction:
    choices = _choices(entry)
    if entry["kind"] == "true_false":
        return _true_false(entry, answer_true=True)
    low = min(len(str(c["text"])) for c in choices)
    candidates = [c for c in choices if len(str(c["text"])) == low]
    if entry["kind"] == "multiple":
        return sum((_multiple_score([c], choices) for c in candidates), Fraction(0)) / len(
            candidates
        )
    return _share_correct(candidates)


def score_avoid_absolutes(entry: dict) -> Fraction:
    choices = _choices(entry)
    if entry["kind"] == "true_false":
        return _true_false(entry, answer_true=not has_absolute(str(entry.get("prompt", ""))))
    plain = [c for c in choices if not has_absolute(str(c["text"]))] or choices
    if entry["kind"] == "multiple":
        return _multiple_score(plain, choices)
    return _share_correct(plain)


def score_always_false(entry: dict) -> Fraction:
    if entry["kind"] == "true_false":
        return _true_false(entry, answer_true=False)
    return _chance(entry)


def score_combined(entry: dict) -> Fraction:
    choices = _choices(entry)
    if entry["kind"] == "true_false":
        return _true_false(entry, answer_true=False)
    plain = [c for c in choices if not has_absolute(str(c["text"]))] or choices
    if entry["kind"] == "multiple":
        return _multiple_score(plain, choices)
    return _share_correct(_longest(plain))


STRATEGIES: dict[str, Callable[[dict], Fraction]] = {
    "longest": score_longest,
    "shortest": score_shortest,
    "avoid_absolutes": score_avoid_absolutes,
    "always_false": score_always_false,
    "combined": score_combined,
}


def choice_entries(entries: Iterable[dict]) -> list[dict]:
    return [e for e in entries if e.get("kind", "single") in CHOICE_KINDS]


def strategy_score(strategy: str, entries: Iterable[dict]) -> Decimal:
    """A strategy's expected score, 0..1, over the choice questions among `entries`."""
    pool = choice_entries(entries)
    if not pool:
        return Decimal(0)
    total = sum((STRATEGIES[strategy]({"kind": "single", **e}) for e in pool), Fraction(0))
    share = total / len(pool)
    return Decimal(share.numerator) / Decimal(share.denominator)


@dataclass(frozen=True)
class BankFigures:
    per_concept: Counter  # concept id -> published questions carrying its tag
    per_kind: Counter
    per_concept_kind: dict[str, Counter]
    true_false_true_share: Decimal
    right_with_absolute: Decimal  # share of right options (single/multiple) with an absolute
    wrong_with_absolute: Decimal
    right_strictly_longest: Decimal  # share of single questions whose right option is longest
    length_ratio: Decimal  # mean right-option length / mean wrong-option length (single)
    scores: dict[str, Decimal]


def _share(part: int, whole: int) -> Decimal:
    return Decimal(part) / Decimal(whole) if whole else Decimal(0)


def bank_figures(entries: list[dict]) -> BankFigures:
    per_concept: Counter = Counter()
    per_kind: Counter = Counter()
    per_concept_kind: dict[str, Counter] = {}
    for entry in entries:
        kind = entry.get("kind", "single")
        per_kind[kind] += 1
        concepts = bank_concepts(entry.get("concepts"))  # read as the loader stores them
        for concept_id in concepts if isinstance(concepts, list) else []:
            per_concept[concept_id] += 1
            per_concept_kind.setdefault(concept_id, Counter())[kind] += 1
    true_false = [e for e in entries if e.get("kind") == "true_false"]
    options = [
        c for e in entries if e.get("kind", "single") in ("single", "multiple") for c in _choices(e)
    ]
    right = [c for c in options if c.get("correct")]
    wrong = [c for c in options if not c.get("correct")]
    singles = [e for e in entries if e.get("kind", "single") == "single"]
    strictly_longest = 0
    right_lengths: list[int] = []
    wrong_lengths: list[int] = []
    for entry in singles:
        choices = _choices(entry)
        key = next(c for c in choices if c.get("correct"))
        others = [len(str(c["text"])) for c in choices if not c.get("correct")]
        strictly_longest += len(str(key["text"])) > max(others)
        right_lengths.append(len(str(key["text"])))
        wrong_lengths.extend(others)
    mean_right = _share(sum(right_lengths), len(right_lengths))
    mean_wrong = _share(sum(wrong_lengths), len(wrong_lengths))
    return BankFigures(
        per_concept=per_concept,
        per_kind=per_kind,
        per_concept_kind=per_concept_kind,
        true_false_true_share=_share(
            sum(map(_is_true_false_key_true, true_false)), len(true_false)
        ),
        right_with_absolute=_share(sum(has_absolute(str(c["text"])) for c in right), len(right)),
        wrong_with_absolute=_share(sum(has_absolute(str(c["text"])) for c in wrong), len(wrong)),
        right_strictly_longest=_share(strictly_longest, len(singles)),
        length_ratio=mean_right / mean_wrong if mean_wrong else Decimal(0),
        scores={name: strategy_score(name, entries) for name in STRATEGIES},
    )
