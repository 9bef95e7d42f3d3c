"""Back up the database and the instructor content into one zip file.

    manage.py backup --output var/backups/academy-2026-11-23.zip
    manage.py backup --output content.zip --content-only

The archive holds:
- `content.json`: the instructor content (lessons, modules, courses, glossary, questions, choices,
  quizzes) as Django fixtures, readable by any database and by `manage.py restore --content-only`;
- the whole database (unless --content-only): `database.sqlite3`, an online copy made with
  SQLite's backup API (consistent while the site runs), or `database.pgdump`, made by `pg_dump
  --format=custom` on PostgreSQL;
- `manifest.json`: when, from which database kind, and how many rows of each content model.

The zip is created readable by its owner only (0600): it holds password hashes and e-mail
addresses. Sessions are left out (a restored site signs everybody out): their keys are live
sign-in cookies. Times are kept to the microsecond (academy.exact_json).
"""

import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from academy import exact_json

# What an instructor writes, in dependency order (a fixture loads parents before children).
CONTENT_MODELS = (
    "lessons.Course",
    "lessons.Module",
    "lessons.GlossaryTerm",
    "lessons.Lesson",
    "quiz.Question",
    "quiz.Choice",
    "quiz.Quiz",
)
FORMAT_VERSION = 1
# Tables whose rows a backup leaves out: session keys are live sign-in cookies.
EXCLUDED_TABLES = ("django_session",)


def content_models():
    return [apps.get_model(label) for label in CONTENT_MODELS]


def postgres_command(program: str, *args: str) -> tuple[list[str], dict[str, str]]:
    """A pg_dump/pg_restore command line and environment for the default database."""
    if shutil.which(program) is None:
        raise CommandError(f"{program} is not installed (apt-get install postgresql-client)")
    settings = connection.settings_dict
    env = {**os.environ}
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = settings["PASSWORD"]
    command = [program, "--no-owner", "--dbname", settings["NAME"], *args]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings.get(key):
            command[1:1] = [flag, str(settings[key])]
    return command, env


def copy_database(target: Path) -> str:
    """Copy the whole database to `target`; returns the file's name inside the archive."""
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        copy = sqlite3.connect(target)
        try:
            connection.connection.backup(copy)
            for table in EXCLUDED_TABLES:
                copy.execute(f'DELETE FROM "{table}"')  # noqa: S608 - constant table names
            copy.commit()
            copy.execute("VACUUM")  # the deleted rows' pages must not stay in the file
        finally:
            copy.close()
        return "database.sqlite3"
    if connection.vendor == "postgresql":
        excluded = [f"--exclude-table-data={table}" for table in EXCLUDED_TABLES]
        command, env = postgres_command(
            "pg_dump", "--format=custom", *excluded, "--file", str(target)
        )
        subprocess.run(command, env=env, check=True, capture_output=True)
        return "database.pgdump"
    raise CommandError(f"No whole-database backup for {connection.vendor}; use --content-only.")


class Command(BaseCommand):
    help = "Back up the database and the instructor content into one zip file."

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, help="the zip file to write")
        parser.add_argument(
            "--content-only",
            action="store_true",
            help="only the instructor content (lessons, glossary, questions, quizzes)",
        )

    def handle(self, *args, output, content_only=False, **options):
        output_path = Path(output)
        output_path.parent.mkdir(parents=True, exist_ok=True)
        models = content_models()
        manifest: dict[str, Any] = {
            "format": FORMAT_VERSION,
            "created_at": timezone.now().isoformat(),
            "database": connection.vendor,
            "content_rows": {m._meta.label: m._default_manager.count() for m in models},
            "whole_database": None,
        }
        with tempfile.TemporaryDirectory() as workdir:
            content = exact_json.serialize(
                (obj for model in models for obj in model._default_manager.order_by("pk")),
                indent=1,
            )
            database_copy = Path(workdir) / "database"
            if not content_only:
                manifest["whole_database"] = copy_database(database_copy)
            partial = output_path.with_name(output_path.name + ".partial")
            partial.unlink(missing_ok=True)
            # Created 0600 whatever the umask: nobody else may read password hashes.
            descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with (
                os.fdopen(descriptor, "wb") as stream,
                zipfile.ZipFile(stream, "w", compression=zipfile.ZIP_DEFLATED) as archive,
            ):
                archive.writestr("manifest.json", json.dumps(manifest, indent=1))
                archive.writestr("content.json", content)
                if manifest["whole_database"]:
                    archive.write(database_copy, manifest["whole_database"])
            partial.replace(output_path)  # never leave a half-written backup under the real name
        rows = sum(manifest["content_rows"].values())
        what = "content" if content_only else f"content and the {connection.vendor} database"
        self.stdout.write(f"Backed up {what} ({rows} content rows) to {output_path}")
