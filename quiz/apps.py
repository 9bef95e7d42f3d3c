from django.apps import AppConfig


class QuizConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "quiz"

    def ready(self):
        from quiz import signals  # noqa: F401  (claims anonymous attempts at sign-in)
