"""Admin import and export of lessons as Markdown files (the format of markdown_files.py)."""

import io
import zipfile
from dataclasses import dataclass, field

from django.db import transaction

from lessons.markdown_files import LessonFileError, lesson_to_markdown, parse_lesson_markdown
from lessons.models import Lesson, Module

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_FILE_BYTES = 512 * 1024
MAX_FILES = 200
TOO_LARGE = "The upload is larger than 5 MB."
NOT_MARKDOWN = "Upload a .md file or a .zip of .md files."
BAD_ZIP = "The zip file cannot be read."


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _markdown_files(upload) -> list[tuple[str, bytes]]:
    """(name, bytes) of every .md in the upload; raises LessonFileError for what is not one."""
    if upload.size > MAX_UPLOAD_BYTES:
        raise LessonFileError(TOO_LARGE)
    name = upload.name or ""
    data = upload.read()
    if name.lower().endswith(".md"):
        return [(name, data)]
    if not name.lower().endswith(".zip"):
        raise LessonFileError(NOT_MARKDOWN)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise LessonFileError(BAD_ZIP) from None
    members = [
        info
        for info in archive.infolist()
        if not info.is_dir() and info.filename.lower().endswith(".md")
    ][:MAX_FILES]
    files = []
    for info in members:
        # The declared size guards against zip bombs before anything is decompressed.
        if info.file_size > MAX_FILE_BYTES:
            raise LessonFileError(f"{info.filename}: larger than {MAX_FILE_BYTES // 1024} KB.")
        files.append((info.filename, archive.read(info)))
    if not files:
        raise LessonFileError(NOT_MARKDOWN)
    return files


def lessons_import(*, upload, default_module: Module | None = None) -> ImportReport:
    """Create or update lessons from uploaded Markdown; each bad file is reported, not fatal."""
    report = ImportReport()
    try:
        files = _markdown_files(upload)
    except LessonFileError as error:
        report.errors.append(str(error))
        return report
    modules = {module.slug: module for module in Module.objects.all()}
    for name, data in files:
        try:
            source = parse_lesson_markdown(
                data.decode("utf-8"), filename=name, default_published=False
            )
        except UnicodeDecodeError:
            report.errors.append(f"{name}: not UTF-8 text.")
            continue
        except LessonFileError as error:
            report.errors.append(str(error))
            continue
        module = modules.get(source.module) if source.module else default_module
        if module is None:
            report.errors.append(
                f"{name}: unknown module “{source.module}”."
                if source.module
                else f"{name}: no module in the front matter; choose a default module."
            )
            continue
        with transaction.atomic():
            lesson = Lesson.objects.filter(module=module, slug=source.slug).first()
            created = lesson is None
            lesson = lesson or Lesson(module=module, slug=source.slug)
            lesson.title, lesson.summary, lesson.body = source.title, source.summary, source.body
            lesson.concepts, lesson.order = source.concepts, source.order
            lesson.published = source.published
            lesson.save()
        (report.created if created else report.updated).append(f"{module.slug}/{lesson.slug}")
    return report


def lessons_export_zip(lessons) -> bytes:
    """A zip of `<module>/<order>-<slug>.md` files that lessons_import reads back."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for lesson in lessons:
            path = f"{lesson.module.slug}/{lesson.order:02d}-{lesson.slug}.md"
            archive.writestr(path, lesson_to_markdown(lesson))
    return buffer.getvalue()
