"""Carry the simulator predictions made before signing in (or up) into the account."""

from core.learners import session_merger
from simulator.predictions import predictions_merge_session_into_user


@session_merger("simulator predictions")
def merge_session_predictions(*, request, user):
    predictions_merge_session_into_user(session=request.session, user=user)
