"""Whole pages for first-time visitors, rendered once and served from the cache.

A visitor with no session cookie and no message cookie is anonymous, has no progress and no
pending message, so every such visitor of a page sees the same HTML except the CSRF token. The
page is rendered with a placeholder in the token's place (``csrf_hole`` in
``academy.context_processors``), cached, and each visitor gets it with their own token
punched in: the token and its cookie behave exactly as if the page had been rendered for them.

Anyone with a session (a signed-in user, staff, an anonymous learner who has marked a lesson
complete) is served by the view as usual. So is any request with a query string, an htmx
request, and any answer other than 200.
"""

import secrets
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils.cache import patch_vary_headers

# The placeholder is new for every render (a random part of letters and digits, so no escaping
# changes it) and is cached with the page, because with Redis one process serves what another
# cached. Author content cannot know it in advance: a fixed placeholder written into a lesson
# link was replaced by each visitor's own token, handing it to the link's site.
CSRF_HOLE_PREFIX = "__margin_academy_csrf_token_hole_"
REQUEST_FLAG = "render_csrf_hole"


def new_csrf_hole() -> str:
    return f"{CSRF_HOLE_PREFIX}{secrets.token_hex(16)}__"


def is_first_visit(request) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and not request.GET
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and CookieStorage.cookie_name not in request.COOKIES
        and "HX-Request" not in request.headers
    )


def cached_for_first_visits(version: Callable[[], str], seconds: int):
    """Serve a view's page to first-time visitors from the cache, keyed by its path and by
    ``version()`` (a new version makes every cached page stale at once)."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not is_first_visit(request):
                return view(request, *args, **kwargs)
            key = f"first-visit:{version()}:{request.path}"
            page = cache.get(key)
            if page is None:
                hole = new_csrf_hole()
                setattr(request, REQUEST_FLAG, hole)
                try:
                    response = view(request, *args, **kwargs)
                finally:
                    delattr(request, REQUEST_FLAG)
                if response.streaming:
                    return response
                page = {
                    "html": response.content.decode(),
                    "headers": dict(response.headers),
                    "hole": hole,
                }
                if response.status_code != 200:
                    return _punched(request, page, status=response.status_code)
                cache.set(key, page, seconds)
            return _punched(request, page)

        return wrapper

    return decorator


def _punched(request, page: dict, status: int = 200) -> HttpResponse:
    html = page["html"]
    hole = page.get("hole")
    if hole and hole in html:
        html = html.replace(hole, get_token(request))
    response = HttpResponse(html, status=status, headers=page["headers"])
    # What the page looks like depends on the cookies, whether or not this request read them.
    patch_vary_headers(response, ("Cookie",))
    return response
