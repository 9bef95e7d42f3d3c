"""Carry anonymous quiz attempts into the account a learner signs in to."""

from core.learners import session_merger
from quiz.services import attempts_claim


@session_merger("quiz attempts")
def claim_anonymous_attempts(*, request, user):
    attempts_claim(user=user, session=request.session)
