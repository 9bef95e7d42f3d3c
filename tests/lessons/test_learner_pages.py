"""What a learner reads: no internal ids or authoring words; every stated figure is the engine's.

Both tests run over the course that ships in ``lessons/content/`` (loaded as ``seed`` loads it), so
any lesson added to the repo is checked the moment it exists.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.urls import reverse

from core.concepts import ALL_IDS
from lessons.loading import CONTENT_DIR
from lessons.markdown_files import parse_lesson_markdown
from lessons.models import Lesson
from simulator.forms import Setup
from simulator.presets import PRESETS
from simulator.views import calculate

pytestmark = pytest.mark.django_db

# Ids from the concept map (C01, W4, E5) and the margin reference (R15), standing as words.
INTERNAL_ID = re.compile(r"\b(?:C\d\d|W\d+|E\d|R\d+)\b")
AUTHORING_WORDS = re.compile(
    r"seed material|seed article|the seeds?\b|seed's|erratum|errata|source documents?|"
    r"source material|concept map|concept ids?|worked example id",
    re.IGNORECASE,
)
SIMULATOR_FENCE = re.compile(r"^```simulator\s+(\S+)", re.MULTILINE)
# A lesson states figures if it prints money, a price to the cent or a percentage.
STATED_FIGURE = re.compile(r"\$\d|\d,\d{3}\.\d\d|\d%")


class _VisibleText(HTMLParser):
    """Text nodes a reader (or a screen reader) meets: no tags, attributes, scripts or styles."""

    SKIPPED = {"script", "style", "template", "noscript"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIPPED:
            self._skipping += 1

    def handle_endtag(self, tag):
        if tag in self.SKIPPED and self._skipping:
            self._skipping -= 1

    def handle_data(self, data):
        if not self._skipping:
            self.parts.append(data)


def visible_text(markup: str) -> str:
    parser = _VisibleText()
    parser.feed(markup)
    parser.close()
    return re.sub(r"\s+", " ", " ".join(parser.parts))


def internal_vocabulary(text: str) -> list[str]:
    found = [match.group(0) for match in INTERNAL_ID.finditer(text)]
    found += [match.group(0) for match in AUTHORING_WORDS.finditer(text)]
    return found


def test_the_vocabulary_check_catches_ids_and_authoring_words():
    text = visible_text(
        '<p title="C05">Fine <a href="/simulator/?preset=W4">words</a></p>'
        "<script>var W4 = 1;</script><p>See C05, W10 and erratum E5 (R15) in our seed material.</p>"
    )
    assert internal_vocabulary(text) == ["C05", "W10", "E5", "R15", "erratum", "seed material"]
    assert internal_vocabulary(visible_text("<p>A 5x long: C$ 20 and 1,005.03 EUR.</p>")) == []


def _learner_pages(client) -> dict[str, str]:
    """Every page of the course a learner can reach, with the lesson cards' fragments in them."""
    pages = {}
    for url in (reverse("lessons:index"), reverse("lessons:glossary")):
        pages[url] = client.get(url).content.decode()
    for lesson in Lesson.objects.published().select_related("module"):
        url = reverse("lessons:lesson", args=[lesson.module.slug, lesson.slug])
        page = client.get(url).content.decode()
        # The simulator cards are loaded into the page with htmx: part of what the learner reads.
        for preset in sorted(set(SIMULATOR_FENCE.findall(lesson.body))):
            page += client.get(reverse("simulator:embed", args=[preset])).content.decode()
        pages[url] = page
    for concept in sorted(ALL_IDS):
        response = client.get(reverse("lessons:concept", args=[concept]), follow=True)
        if response.status_code == 200:
            pages[f"concept {concept}"] = response.content.decode()
    return pages


def test_learner_pages_show_no_internal_vocabulary(client, course):
    pages = _learner_pages(client)
    assert len(pages) > 20
    problems = []
    for url, page in pages.items():
        words = internal_vocabulary(visible_text(page))
        if words:
            problems.append(f"{url}: {', '.join(sorted(set(words)))}")
    assert problems == []


def _same_minus(text: str) -> str:
    """Lessons print the typographic minus (U+2212); the engine's strings use a hyphen."""
    return text.replace("\u2212", "-")


def _lesson_files() -> list[Path]:
    return sorted(CONTENT_DIR.glob("*/*.md"))


def _engine_facts(preset: str) -> dict[str, str]:
    """The facts the embedded card is built from: the preset's form data through the view's path."""
    setup = Setup(PRESETS[preset].form_data())
    result = calculate(setup)
    assert result is not None, (preset, setup.field_errors())
    return result.facts


def _file_id(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"


@pytest.mark.parametrize("path", _lesson_files(), ids=_file_id)
def test_lesson_figures_match_the_engine(path):
    source = parse_lesson_markdown(path.read_text(encoding="utf-8"), filename=str(path))
    embedded = set(SIMULATOR_FENCE.findall(source.body))
    if embedded and STATED_FIGURE.search(source.body):
        undeclared = embedded - set(source.figures)
        assert not undeclared, f"cards whose figures the lesson does not declare: {undeclared}"
    mismatches = []
    for preset, declared in source.figures.items():
        facts = _engine_facts(preset)
        for fact, text in declared.items():
            if fact not in facts:
                mismatches.append(f"{preset}.{fact}: no such fact (known: {', '.join(facts)})")
            elif facts[fact] != _same_minus(text):
                mismatches.append(f"{preset}.{fact}: lesson {text}, engine {facts[fact]}")
            if _same_minus(text) not in _same_minus(source.body):
                mismatches.append(f"{preset}.{fact}: {text} is declared but not in the lesson")
    assert mismatches == []
