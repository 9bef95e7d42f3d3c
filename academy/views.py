from django.shortcuts import render
from django.views.decorators.http import require_safe


@require_safe
def home(request):
    return render(request, "home.html")


@require_safe
def healthz(request):
    """Liveness for load balancers: renders a tiny template through the full middleware stack,
    touching no database, so the HTTP benchmarks also use it as their baseline."""
    return render(request, "healthz.html")
