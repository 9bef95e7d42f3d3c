"""Restore a backup made by `manage.py backup`.

    manage.py restore --input backup.zip                 # the whole database, as it was
    manage.py restore --input backup.zip --content-only  # lessons, glossary, questions, quizzes

A whole-database restore replaces everything (accounts, progress, answers included): stop the
site first. It needs a backup from the same database kind (SQLite or PostgreSQL) and refuses
otherwise. A content-only restore works on any database: every lesson, module, course, term,
question, choice and quiz in the backup is put back as it was, in one transaction; content created
since the backup is kept. Content backups from before concept ids became lists (quiz 0005) restore
too: their "C04 C09" text is read as ["C04", "C09"].
"""

import json
import sqlite3
import subprocess
import tempfile
import zipfile
from pathlib import Path

from django.core import serializers
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections, transaction

from academy.management.commands.backup import FORMAT_VERSION, postgres_command
from core.concepts import parse_concept_ids

# Content backups made before quiz migration 0005 hold these models' concept ids as text.
TEXT_CONCEPT_IDS_MODELS = frozenset({"quiz.question", "quiz.quiz"})


def upgrade_content_record(record: dict) -> dict:
    """A content fixture row as today's models read it: "C04 C09" becomes ["C04", "C09"]."""
    fields = record.get("fields") or {}
    if record.get("model") in TEXT_CONCEPT_IDS_MODELS and isinstance(
        fields.get("concept_ids"), str
    ):
        fields["concept_ids"] = parse_concept_ids(fields["concept_ids"])
    return record


class Command(BaseCommand):
    help = "Restore the database, or only the instructor content, from a backup zip file."

    def add_arguments(self, parser):
        parser.add_argument("--input", required=True, help="a zip file written by manage.py backup")
        parser.add_argument(
            "--content-only",
            action="store_true",
            help="only put back the instructor content; leave accounts and progress alone",
        )

    def handle(self, *args, input, content_only=False, **options):  # noqa: A002 - the option
        path = Path(input)
        if not path.is_file():
            raise CommandError(f"No backup at {path}")
        try:
            archive = zipfile.ZipFile(path)
        except zipfile.BadZipFile:
            raise CommandError(f"{path} is not a backup made by manage.py backup") from None
        with archive:
            names = set(archive.namelist())
            if not {"manifest.json", "content.json"} <= names:
                raise CommandError(f"{path} is not a backup made by manage.py backup")
            manifest = json.loads(archive.read("manifest.json"))
            if manifest.get("format") != FORMAT_VERSION:
                raise CommandError(f"Unknown backup format {manifest.get('format')!r}")
            if content_only:
                count = self.restore_content(archive.read("content.json"))
                self.stdout.write(f"Restored {count} content rows from {path}")
                return
            self.restore_database(archive, manifest)
        self.stdout.write(
            f"Restored the whole {manifest['database']} database from {path} "
            f"(backed up at {manifest['created_at']})"
        )

    def restore_content(self, content: bytes) -> int:
        count = 0
        records = [upgrade_content_record(record) for record in json.loads(content)]
        with transaction.atomic():
            for deserialized in serializers.deserialize("python", records):
                deserialized.save()
                count += 1
        return count

    def restore_database(self, archive: zipfile.ZipFile, manifest: dict) -> None:
        copy_name = manifest.get("whole_database")
        if not copy_name:
            raise CommandError("This backup holds only content; use --content-only.")
        if manifest["database"] != connection.vendor:
            raise CommandError(
                f"This backup is of a {manifest['database']} database; this site uses "
                f"{connection.vendor}. Use --content-only to move the content across."
            )
        with tempfile.TemporaryDirectory() as workdir:
            copy = Path(archive.extract(copy_name, workdir))
            if connection.vendor == "sqlite":
                connection.ensure_connection()
                with sqlite3.connect(copy) as source:
                    source.backup(connection.connection)
            else:
                connections.close_all()  # pg_restore drops and recreates the tables
                command, env = postgres_command(
                    "pg_restore", "--clean", "--if-exists", "--single-transaction", str(copy)
                )
                result = subprocess.run(command, env=env, capture_output=True, text=True)
                if result.returncode != 0:
                    raise CommandError(f"pg_restore failed:\n{result.stderr}")
        connections.close_all()
