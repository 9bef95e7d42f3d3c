from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_safe

from accounts.data import account_delete, account_export
from accounts.forms import DeleteAccountForm, SignupForm
from accounts.instructor import instructor_dashboard
from accounts.progress import mastery_chart, progress_for
from quiz.services import MASTERY_WINDOW


def safe_next_url(request, default: str) -> str:
    """The `next` parameter if it points at this site, else the default (no open redirects)."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


@require_http_methods(["GET", "POST"])
def signup(request):
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, f"Welcome, {user.username}! Your account is ready.")
        return redirect(safe_next_url(request, settings.LOGIN_REDIRECT_URL))
    return render(
        request,
        "registration/signup.html",
        {"form": form, "next": safe_next_url(request, "")},
    )


# Anonymous visitors see their session's progress rather than a login redirect: the page is where
# a learner checks what they have done, and showing it (with "sign up to keep it") is what makes
# signing up worth it; a redirect would hide exactly the progress they would lose.
@require_safe
def me(request):
    progress = progress_for(request=request)
    return render(
        request,
        "accounts/me.html",
        {
            "progress": progress,
            "chart": mastery_chart(progress.mastery),
            "window": MASTERY_WINDOW,
        },
    )


@require_safe
@login_required
def export(request):
    """All the learner's data as a JSON download."""
    response = JsonResponse(account_export(user=request.user), json_dumps_params={"indent": 2})
    filename = f"margin-academy-{request.user.get_username()}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
@login_required
def delete(request):
    form = DeleteAccountForm(request.POST or None, request=request)
    if request.method == "POST" and form.is_valid():
        user = request.user
        username = user.get_username()
        logout(request)
        account_delete(user=user)
        messages.success(request, f"The account {username} and all its data are deleted.")
        return redirect("home")
    return render(request, "accounts/delete.html", {"form": form})


@require_safe
@login_required
def instructor(request):
    if not request.user.is_staff:
        raise PermissionDenied("The instructor dashboard is for staff.")
    return render(request, "accounts/instructor.html", {"dashboard": instructor_dashboard()})
