"""Lessons as Markdown files with YAML front matter: the repo's content format and the admin's
import/export format are the same.

    ---
    title: Initial margin
    slug: initial-margin          # optional in the repo: taken from the file name
    module: foundations           # optional in the repo: taken from the folder (course.yaml)
    summary: One line for the course index.
    concepts: [C02, E3]
    order: 2                      # optional in the repo: the file name's number prefix
    published: true
    figures:                      # optional: what the lesson states about an embedded preset
      W4: {A_liquidation_price: "58,793.97"}
    ---

`figures` maps a simulator preset to engine facts (the keys of ``simulator.results`` facts) and the
text the body states for each. It is checked by the course tests against the engine and is not
stored in the database: the repo's file is the record (an admin export carries no figures).
    The Markdown body...
"""

import re
from dataclasses import dataclass, field

import yaml
from django.utils.text import slugify

from core.concepts import PRESET_TITLES, concept_id_problem, parse_concept_ids
from lessons.models import normalize_body

FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)(.*)\Z", re.DOTALL)
FILE_NAME = re.compile(r"^(?:(\d+)[-_])?(.+?)\.md$")


class LessonFileError(ValueError):
    """A lesson file cannot be read; the message names the file and the problem."""


@dataclass(frozen=True)
class LessonSource:
    slug: str
    title: str
    body: str
    summary: str = ""
    concepts: list[str] = field(default_factory=list)
    order: int = 0
    published: bool = True
    module: str | None = None
    figures: dict[str, dict[str, str]] = field(default_factory=dict)


def _figures(meta: dict, filename: str) -> dict[str, dict[str, str]]:
    figures = meta.get("figures") or {}
    if not isinstance(figures, dict) or not all(
        isinstance(facts, dict) for facts in figures.values()
    ):
        raise LessonFileError(
            f"{filename}: figures must map a preset to fact: text pairs, "
            'e.g. {W4: {A_liquidation_price: "58,793.97"}}.'
        )
    unknown = sorted(str(preset) for preset in figures if str(preset) not in PRESET_TITLES)
    if unknown:
        raise LessonFileError(f"{filename}: figures name unknown presets {', '.join(unknown)}.")
    return {
        str(preset): {str(fact): str(text) for fact, text in facts.items()}
        for preset, facts in figures.items()
    }


def parse_lesson_markdown(
    text: str, *, filename: str, default_published: bool = True
) -> LessonSource:
    match = FRONT_MATTER.match(text.replace("\r\n", "\n"))
    if not match:
        raise LessonFileError(f"{filename}: no front matter (the file must start with ---).")
    try:
        meta = yaml.safe_load(match.group(1)) or {}
    except yaml.YAMLError as error:
        raise LessonFileError(
            f"{filename}: the front matter is not valid YAML ({error})."
        ) from None
    if not isinstance(meta, dict):
        raise LessonFileError(f"{filename}: the front matter must be key: value lines.")
    name_match = FILE_NAME.match(filename.rsplit("/", 1)[-1])
    name_order, name_slug = name_match.groups() if name_match else (None, "")
    title = str(meta.get("title") or "").strip()
    if not title:
        raise LessonFileError(f"{filename}: the front matter needs a title.")
    slug = slugify(str(meta.get("slug") or name_slug))
    if not slug:
        raise LessonFileError(f"{filename}: no slug in the front matter or the file name.")
    concepts = meta.get("concepts") or []
    if isinstance(concepts, str | list):  # [C02, W1], or as typed in the admin: "C02 W1"
        concepts = parse_concept_ids(concepts)
    problem = concept_id_problem(concepts)
    if problem:
        raise LessonFileError(f"{filename}: {problem}")
    try:
        default_order: str | int = name_order or 0
        order = int(meta.get("order", default_order))
    except (TypeError, ValueError):
        raise LessonFileError(f"{filename}: order must be a whole number.") from None
    published = meta.get("published", default_published)
    if not isinstance(published, bool):
        raise LessonFileError(f"{filename}: published must be true or false.")
    module = meta.get("module")
    return LessonSource(
        slug=slug,
        title=title,
        body=normalize_body(match.group(2)),
        summary=str(meta.get("summary") or "").strip(),
        concepts=concepts,
        order=order,
        published=published,
        module=slugify(str(module)) if module else None,
        figures=_figures(meta, filename),
    )


def lesson_to_markdown(lesson) -> str:
    """The export format: what parse_lesson_markdown reads back to the same lesson."""
    meta = {
        "title": lesson.title,
        "slug": lesson.slug,
        "module": lesson.module.slug,
        "summary": lesson.summary,
        "concepts": list(lesson.concepts),
        "order": lesson.order,
        "published": lesson.published,
    }
    front = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=100).strip()
    return f"---\n{front}\n---\n{lesson.body.strip()}\n"
