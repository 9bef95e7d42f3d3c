"""Carry anonymous quiz attempts into the account a learner signs in to."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from quiz.services import attempts_claim


@receiver(user_logged_in, dispatch_uid="quiz.claim_anonymous_attempts")
def claim_anonymous_attempts(sender, request=None, user=None, **kwargs):
    session = getattr(request, "session", None)
    if session is not None and user is not None:
        attempts_claim(user=user, session=session)
