"""Give the demo learner some progress: a few completed lessons, a finished quiz attempt and a
couple of simulator predictions, so /me/ has something to show. Idempotent: what is there stays,
nothing is added twice."""

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from core.learners import Learner
from lessons.models import Lesson, LessonCompletion
from quiz import services as quiz_services
from quiz.models import Attempt, Question, Quiz
from simulator.models import Prediction

DEMO_LESSONS = 4  # the first lessons of the course, in order
DEMO_QUIZ = "foundations"
DEMO_SEED = 2026  # a fixed draw, so every fresh demo looks the same
DEMO_PREDICTIONS = (
    {"concepts": ["C06", "C04", "C05"], "survivor_correct": True, "price_error": Decimal("0.003")},
    {"concepts": ["C06", "C04", "C05"], "survivor_correct": False, "price_error": None},
)


class Command(BaseCommand):
    help = "Give a learner account (default: the demo 'learner') some progress to look at."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="learner")

    def handle(self, *args, username, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No account {username!r}: run `manage.py seed` first.")
        lessons = list(Lesson.objects.published().in_course_order()[:DEMO_LESSONS])
        LessonCompletion.objects.bulk_create(
            [LessonCompletion(user=user, lesson=lesson) for lesson in lessons],
            ignore_conflicts=True,
        )
        attempt = self.finished_attempt(user)
        if not Prediction.objects.filter(user=user).exists():
            Prediction.objects.bulk_create(
                [Prediction(user=user, **record) for record in DEMO_PREDICTIONS]
            )
        self.stdout.write(
            f"Demo progress for {username}: {len(lessons)} lessons complete, "
            + (f"quiz attempt {attempt.quiz.title} #{attempt.number}" if attempt else "no quiz")
            + f", {Prediction.objects.filter(user=user).count()} predictions."
        )

    def finished_attempt(self, user) -> Attempt | None:
        """The learner's first attempt; if there is none, one at the basics quiz, answered with
        every other question wrong so a weak concept shows up."""
        existing = Attempt.objects.filter(user=user).order_by("started_at").first()
        if existing is not None:
            return existing
        quiz = Quiz.objects.filter(slug=DEMO_QUIZ, is_published=True).first()
        if quiz is None:
            return None
        learner = Learner(f"user:{user.pk}", user.pk)
        try:
            attempt = quiz_services.attempt_start(quiz=quiz, learner=learner, seed=DEMO_SEED)
        except quiz_services.QuizError:
            return None
        for item in attempt.items.select_related("question"):
            right = item.position % 2 == 0
            if item.question.kind in Question.NUMERIC_KINDS:
                assert item.expected is not None  # a numeric item stores its answer
                value = item.expected if right else item.expected * 2 + 1
                quiz_services.attempt_answer(
                    attempt=attempt, item=item, value=value, raw_value=str(value)
                )
            else:
                picked = [c["id"] for c in item.choices if c["correct"] == right]
                if item.question.kind != Question.Kind.MULTIPLE:
                    picked = picked[:1]
                quiz_services.attempt_answer(attempt=attempt, item=item, selected_ids=picked)
        attempt.refresh_from_db()
        return attempt
