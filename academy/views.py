from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.http import require_safe

from core.first_visits import cached_for_first_visits


@require_safe
# The home page changes only with a deploy; the cache's expiry covers that.
@cached_for_first_visits(version=lambda: "code", seconds=60)
def home(request):
    return render(request, "home.html")


@require_safe
def healthz(request):
    """Liveness for load balancers: renders a tiny template through the full middleware stack,
    touching no database, so the HTTP benchmarks also use it as their baseline."""
    return render(request, "healthz.html")


@require_safe
def favicon(request):
    """Browsers ask for /favicon.ico on pages without an icon link (the admin, the API docs)."""
    response = redirect(static("img/favicon.svg"), permanent=True)
    response["Cache-Control"] = "public, max-age=86400"
    return response
