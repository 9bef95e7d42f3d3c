"""Carry anonymous quiz attempts and practice answers into the account a learner signs in to.

Mastery levels and review dates are computed from those answers (quiz.mastery), so moving the
answers moves the levels and reviews with them.
"""

from core.learners import session_merger
from quiz.practice import practice_claim
from quiz.services import attempts_claim


@session_merger("quiz attempts")
def claim_anonymous_attempts(*, request, user):
    # Practice first: claiming attempts forgets the session's anonymous key.
    practice_claim(user=user, session=request.session)
    attempts_claim(user=user, session=request.session)
