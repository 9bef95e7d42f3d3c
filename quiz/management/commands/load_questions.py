"""Load the question bank and the quizzes from quiz/content/ (idempotent)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from quiz.loader import CONTENT_DIR, LoadError, load_bank


class Command(BaseCommand):
    help = (
        "Load quiz/content/ into the database. Safe to re-run: unchanged entries are skipped and "
        "questions or quizzes an instructor saved in the admin are kept unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Overwrite entries an instructor edited in the admin with the repository's text.",
        )
        parser.add_argument(
            "--directory", type=Path, default=CONTENT_DIR, help="Content folder to load from."
        )

    def handle(self, *args, force=False, directory=CONTENT_DIR, **options):
        try:
            questions, quizzes = load_bank(directory, force=force)
        except LoadError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(questions.line("Questions"))
        self.stdout.write(quizzes.line("Quizzes"))
        for slug in questions.kept_admin_edits + quizzes.kept_admin_edits:
            self.stdout.write(f"  kept admin edit: {slug} (use --force to overwrite)")
