"""Carry anonymous quiz attempts and practice answers into the account a learner signs in to.

Mastery levels and review dates are computed from those answers (quiz.mastery), so moving the
answers moves the levels and reviews with them.
"""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from quiz.practice import practice_claim
from quiz.services import attempts_claim


@receiver(user_logged_in, dispatch_uid="quiz.claim_anonymous_attempts")
def claim_anonymous_attempts(sender, request=None, user=None, **kwargs):
    session = getattr(request, "session", None)
    if session is not None and user is not None:
        # Practice first: claiming attempts forgets the session's anonymous key.
        practice_claim(user=user, session=session)
        attempts_claim(user=user, session=session)
