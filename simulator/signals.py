"""Carry the simulator predictions made before signing in (or up) into the account.

Lessons (lessons.signals) and quiz attempts (quiz.signals) merge their own session data the same
way, on the same signal; `login()` keeps the anonymous session's data, so all three see it.
"""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from simulator.predictions import predictions_merge_session_into_user


@receiver(user_logged_in, dispatch_uid="simulator.merge_session_predictions")
def merge_session_predictions(sender, request=None, user=None, **kwargs):
    session = getattr(request, "session", None)
    if session is not None and user is not None:
        predictions_merge_session_into_user(session=session, user=user)
