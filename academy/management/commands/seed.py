"""Load what a fresh site needs: the course, the question bank, and demo accounts in development.

Idempotent: run it as often as you like; it never overwrites what an instructor edited.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand

from lessons.instructors import grant_instructor_permissions

DEMO_ACCOUNTS = (
    # username, password, is_staff, is_superuser
    ("learner", "learn-margin-2026", False, False),
    ("instructor", "teach-margin-2026", True, False),
    ("admin", "admin-margin-2026", True, True),
)


class Command(BaseCommand):
    help = "Load the course content and question bank; in development also create demo accounts."

    def add_arguments(self, parser):
        parser.add_argument(
            "--demo-accounts",
            action="store_true",
            help="Create the demo accounts even when DEBUG is off (never do this in production).",
        )

    def handle(self, *args, demo_accounts=False, **options):
        call_command("load_lessons", stdout=self.stdout)
        call_command("load_questions", stdout=self.stdout)
        if settings.DEBUG or demo_accounts:
            self.create_demo_accounts()
            call_command("seed_demo_progress", stdout=self.stdout)

    def create_demo_accounts(self):
        user_model = get_user_model()
        for username, password, is_staff, is_superuser in DEMO_ACCOUNTS:
            user, created = user_model.objects.get_or_create(
                username=username,
                defaults={"is_staff": is_staff, "is_superuser": is_superuser},
            )
            if created:
                user.set_password(password)
                user.save(update_fields=["password"])
            if username == "instructor":
                # Also grants quiz permissions once the quiz app has models.
                user.groups.add(grant_instructor_permissions())
            self.stdout.write(
                f"Demo {username}: username {username!r}, password {password!r}"
                + ("" if created else " (already there, password unchanged)")
            )
