from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lessons.loading import CONTENT_DIR, load_course
from lessons.markdown_files import LessonFileError


class Command(BaseCommand):
    help = (
        "Load the course from lessons/content/ (Markdown with front matter). Idempotent; lessons, "
        "modules and glossary terms edited in the admin are kept unless --force is given."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Overwrite rows edited in the admin with the files' content.",
        )
        parser.add_argument(
            "--path", type=Path, default=CONTENT_DIR, help="Content folder (default: the app's)."
        )

    def handle(self, *args, force=False, path=CONTENT_DIR, **options):
        try:
            report = load_course(path, force=force)
        except (LessonFileError, KeyError, FileNotFoundError) as error:
            raise CommandError(f"Could not load the course: {error}") from error
        self.stdout.write(
            f"Course content (course, glossary, modules, lessons): {report.summary()}."
        )
        for label in report.kept:
            self.stdout.write(f"  kept {label}; use --force to overwrite it with the file")
