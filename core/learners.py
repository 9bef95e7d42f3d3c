"""Who is learning: the one identity that lessons, the simulator and the quiz share.

A signed-in learner is their user. An anonymous learner is their session: what they do is kept in
the session (lesson completions, simulator predictions) or in rows tagged with a random learner
key that only their session holds (quiz attempts). Signing in or up carries all of it into the
account through one hook: each app registers a merger with ``session_merger``, and the single
``user_logged_in`` receiver below runs them (``login()`` keeps the anonymous session's data).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, overload

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

# The session key's name predates this module (the quiz introduced it); sessions still carry it.
SESSION_LEARNER_KEY = "quiz_learner_key"

SessionMerger = Callable[..., Any]
_MERGERS: dict[str, SessionMerger] = {}


@dataclass(frozen=True)
class Learner:
    key: str
    user_id: int | None = None


def learner_key_for(*, user: Any = None, session: Any = None) -> str | None:
    """The learner key of a user (``user:<pk>``) or an anonymous session (``anon:<hex>``)."""
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    if session is not None:
        return session.get(SESSION_LEARNER_KEY)
    return None


@overload
def learner_for(request: Any, *, create: Literal[True]) -> Learner: ...
@overload
def learner_for(request: Any, *, create: bool = False) -> Learner | None: ...
def learner_for(request: Any, *, create: bool = False) -> Learner | None:
    """The learner behind a request. Anonymous learners get a session key only when `create`
    (reading never sets a cookie)."""
    user = request.user
    if user.is_authenticated:
        return Learner(f"user:{user.pk}", user.pk)
    key = request.session.get(SESSION_LEARNER_KEY)
    if key is None and create:
        key = f"anon:{secrets.token_hex(16)}"
        request.session[SESSION_LEARNER_KEY] = key
    return Learner(key) if key else None


def session_merger(name: str) -> Callable[[SessionMerger], SessionMerger]:
    """Register ``merger(*, request, user)`` to run when a learner signs in or up."""

    def register(merger: SessionMerger) -> SessionMerger:
        _MERGERS[name] = merger
        return merger

    return register


@receiver(user_logged_in, dispatch_uid="core.learners.merge_session_into_account")
def merge_session_into_account(sender: Any, request: Any = None, user: Any = None, **kwargs: Any):
    """What the anonymous session did now counts for the account, for every app at once."""
    if request is None or user is None or not hasattr(request, "session"):
        return
    for merger in _MERGERS.values():
        merger(request=request, user=user)
