from django.apps import AppConfig


class QuizConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "quiz"

    def ready(self):
        from quiz import bank_cache, signals  # noqa: F401  (receivers: sign-in, bank edits)
