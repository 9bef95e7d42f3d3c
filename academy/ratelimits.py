"""Per-client rate limits on the endpoints that cost the server most: Monte Carlo runs, the
JSON API, sign-in (Argon2 makes every attempt cost about 0.2 CPU-seconds), sign-up and
password reset.

Counting is django-ratelimit's (fixed windows in the cache): with REDIS_URL the counters are
shared by every process and server; without it each process counts on its own. The limits are
the ``RATE_LIMITS`` setting (one ``DJANGO_RATE_LIMIT_...`` variable each, README: Rate limits),
read at every request, so tests can lower them. A refused request gets 429 with
``Retry-After``: JSON with a reason on the API, a page elsewhere.
"""

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django_ratelimit.core import get_usage

from academy.client_ip import client_ip

API_NAMESPACE = "api-v1"

# view name (URL name with namespace) -> the limits a POST to it counts against
LIMITED_VIEWS: dict[str, tuple[str, ...]] = {
    "api-v1:monte-carlo": ("monte-carlo", "api"),
    "simulator:monte_carlo": ("monte-carlo",),
    "login": ("login",),
    "admin:login": ("login",),
    "signup": ("signup",),
    "password_reset": ("password-reset", "password-reset-email"),
}

TOO_MANY = "Too many requests from your address: try again in {seconds} seconds."


def _key(limit: str, request) -> str:
    if limit == "password-reset-email":
        # So one address cannot be flooded with reset mails from many clients.
        return "email:" + request.POST.get("email", "").strip().casefold()
    return "ip:" + client_ip(request)


def limits_for(request) -> tuple[str, ...]:
    match = request.resolver_match
    if request.method != "POST" or match is None:
        return ()
    limits = LIMITED_VIEWS.get(match.view_name)
    if limits is None and API_NAMESPACE in match.namespaces:
        limits = ("api",)
    return limits or ()


def refused(request, limit: str, seconds: int):
    message = TOO_MANY.format(seconds=seconds)
    if API_NAMESPACE in request.resolver_match.namespaces:
        response: HttpResponse = JsonResponse(
            {"detail": [{"loc": [], "msg": message, "type": "rate_limited", "limit": limit}]},
            status=429,
        )
    else:
        response = render(request, "429.html", {"message": message}, status=429)
    response["Retry-After"] = str(seconds)
    return response


class RateLimitMiddleware:
    """After the CSRF check (a forged request is refused before it counts) and authentication."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        for limit in limits_for(request):
            rate = settings.RATE_LIMITS.get(limit)
            if not rate:
                continue
            usage = get_usage(
                request,
                group=f"academy:{limit}",
                key=lambda group, request, limit=limit: _key(limit, request),
                rate=rate,
                increment=True,
            )
            if usage is not None and usage["should_limit"]:
                return refused(request, limit, max(1, usage["time_left"]))
        return None
