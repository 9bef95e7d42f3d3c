"""Load the course that ships in `lessons/content/` into the database.

Idempotent: unchanged files change nothing. A row an instructor edited in the admin (its fields no
longer hash to what was loaded) is kept unless `force=True`; so is a row the admin created.
"""

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.db import transaction

from core.concepts import parse_concept_ids
from lessons.markdown_files import LessonFileError, parse_lesson_markdown
from lessons.models import Course, GlossaryTerm, Lesson, Module, fingerprint
from lessons.rendering import glossary_lookup
from lessons.signals import glossary_rerender_suspended, rerender_lessons

CONTENT_DIR = Path(__file__).resolve().parent / "content"
COURSE_FILE = "course.yaml"
GLOSSARY_FILE = "glossary.yaml"

CREATED, UPDATED, UNCHANGED, KEPT = "created", "updated", "unchanged", "kept (edited in the admin)"


@dataclass
class LoadReport:
    counts: Counter = field(default_factory=Counter)
    kept: list[str] = field(default_factory=list)

    def record(self, outcome: str, label: str) -> None:
        self.counts[outcome] += 1
        if outcome == KEPT:
            self.kept.append(label)

    def summary(self) -> str:
        parts = [f"{count} {outcome}" for outcome, count in sorted(self.counts.items())]
        return ", ".join(parts) or "nothing to load"


def _sync(instance, values: dict, *, force: bool, save=None) -> str:
    """Write `values` unless an admin edit would be lost; remember their fingerprint."""
    created = instance.pk is None
    target = fingerprint(values)
    if not created:
        if instance.loaded_fingerprint == target and not instance.edited_since_load:
            return UNCHANGED
        admin_owned = not instance.loaded_fingerprint or instance.edited_since_load
        if admin_owned and not force:
            return KEPT
    for name, value in values.items():
        setattr(instance, name, value)
    instance.loaded_fingerprint = target
    (save or instance.save)()
    return CREATED if created else UPDATED


def _read_yaml(path: Path):
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise LessonFileError(f"{path}: {error}") from None


@transaction.atomic
def load_course(content_dir: Path = CONTENT_DIR, *, force: bool = False) -> LoadReport:
    report = LoadReport()
    index = _read_yaml(content_dir / COURSE_FILE)
    course_data = index["course"]
    course = Course.objects.filter(slug=course_data["slug"]).first() or Course(
        slug=course_data["slug"]
    )
    values = {"title": course_data["title"], "summary": course_data.get("summary", "").strip()}
    report.record(_sync(course, values, force=force), f"course {course.slug}")

    with glossary_rerender_suspended():
        for entry in _read_yaml(content_dir / GLOSSARY_FILE) or []:
            term = GlossaryTerm.objects.filter(slug=entry["slug"]).first() or GlossaryTerm(
                slug=entry["slug"]
            )
            values = {
                "term": entry["term"],
                "definition": entry["definition"].strip(),
                "concepts": parse_concept_ids(entry.get("concepts") or []),
            }
            report.record(_sync(term, values, force=force), f"glossary {term.slug}")
    glossary = glossary_lookup(GlossaryTerm.objects.all())

    for order, module_data in enumerate(index["modules"], start=1):
        module = Module.objects.filter(slug=module_data["slug"]).first() or Module(
            slug=module_data["slug"]
        )
        values = {
            "course_id": course.pk,
            "title": module_data["title"],
            "summary": module_data.get("summary", "").strip(),
            "order": order,
        }
        report.record(_sync(module, values, force=force), f"module {module.slug}")
        for path in sorted((content_dir / module_data["dir"]).glob("*.md")):
            _load_lesson(path, module, glossary, force=force, report=report)
    # Unchanged lessons too: a newer renderer (or glossary) must reach what is already stored.
    rerender_lessons()
    return report


def _load_lesson(path: Path, module: Module, glossary, *, force: bool, report: LoadReport):
    source = parse_lesson_markdown(path.read_text(encoding="utf-8"), filename=str(path))
    lesson = Lesson.objects.filter(module=module, slug=source.slug).first() or Lesson(
        module=module, slug=source.slug
    )
    values = {
        "module_id": module.pk,
        "title": source.title,
        "summary": source.summary,
        "body": source.body,
        "concepts": source.concepts,
        "order": source.order,
        "published": source.published,
    }
    outcome = _sync(lesson, values, force=force, save=lambda: lesson.save(glossary=glossary))
    report.record(outcome, f"lesson {module.slug}/{lesson.slug}")
