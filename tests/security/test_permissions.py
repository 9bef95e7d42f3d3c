"""The permissions matrix: anonymous, learner, instructor and superuser against every URL.

Pages outside the admin come from the catalogue in conftest.py (checked against the URL resolver);
admin URLs are enumerated from the resolver, so a new model or admin view is tested as it lands.
Instructors (staff, in the Instructors group) edit course content and quiz content, nothing else.
"""

import re

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from lessons.models import LessonCompletion
from quiz.models import PracticeAnswer
from simulator.models import SavedEvent
from tests.security.conftest import (
    ATTEMPT_OWNER,
    INSTRUCTOR_ONLY,
    NO_PAGE,
    PUBLIC,
    ROLES,
    SIGNED_IN,
    client_as,
    site_endpoints,
)

pytestmark = pytest.mark.django_db

# The admin models an instructor may open; every other registered model is refused (403).
INSTRUCTOR_MODELS = {
    "lessons.course",
    "lessons.module",
    "lessons.lesson",
    "lessons.glossaryterm",
    "quiz.question",
    "quiz.quiz",
    "simulator.savedevent",
}
# Admin views that refuse even a superuser because the model is written by the site, not by hand.
NOBODY_ADDS = {
    "axes_accessattempt_add",
    "axes_accesslog_add",
    "axes_accessfailurelog_add",
    "quiz_attempt_add",
    "quiz_practiceanswer_add",
}


def outcome(response) -> str:
    """What a response means for access: 'ok', 'login' (sent to sign in), 'refused' or 'missing'."""
    status = response.status_code
    if status in (301, 302):
        location = response["Location"]
        return "login" if "/login/" in location and "next=" in location else "ok"
    if status == 403:
        return "refused"
    if status == 404:
        return "missing"
    if status >= 500:
        return f"error {status}"
    return "ok" if status < 400 else f"status {status}"


def expected_outcome(access: str, role: str) -> str:
    if access == PUBLIC:
        return "ok"
    if access == SIGNED_IN:
        return "login" if role == "anonymous" else "ok"
    if access == ATTEMPT_OWNER:
        return "ok" if role == "learner" else "missing"
    if access == NO_PAGE:
        return "missing"
    if access == INSTRUCTOR_ONLY:
        return {"anonymous": "login", "learner": "refused"}.get(role, "ok")
    raise AssertionError(access)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_reaches_exactly_the_pages_that_are_theirs(site, role):
    wrong = []
    for endpoint in site_endpoints(site):
        # A fresh client per request: signing up, in or out must not leak into the next one.
        client = client_as(Client(), site.users[role])
        got = outcome(endpoint.send(client))
        want = expected_outcome(endpoint.access, role)
        if got != want:
            wrong.append(f"{endpoint}: {got}, expected {want}")
    assert wrong == []


# --- the admin -----------------------------------------------------------------------------------


def admin_patterns() -> list[URLPattern]:
    (admin_resolver,) = [
        entry
        for entry in get_resolver().url_patterns
        if isinstance(entry, URLResolver) and entry.namespace == "admin"
    ]
    return [entry for entry in admin_resolver.url_patterns if isinstance(entry, URLPattern)] + [
        pattern
        for entry in admin_resolver.url_patterns
        if isinstance(entry, URLResolver)
        for pattern in entry.url_patterns
        if isinstance(pattern, URLPattern)
    ]


MODEL_URL = re.compile(r"^(?P<app>[a-z_]+?)_(?P<model>[a-z]+)_(?P<view>[a-z_]+)$")


@pytest.fixture
def admin_site_data(site):
    """At least one object of every admin model, so change/history/delete pages have something."""
    LessonCompletion.objects.create(user=site.users["learner"], lesson=site.lesson)
    common = {"user_agent": "pytest", "ip_address": "127.0.0.1", "username": "learner"}
    AccessAttempt.objects.create(failures_since_start=1, **common)
    AccessLog.objects.create(**common)
    AccessFailureLog.objects.create(locked_out=False, **common)
    SavedEvent.objects.create(
        title="Class example",
        symbol="BTCUSDT",
        source="An exchange export",
        candles="time,open,high,low,close\n1,1,2,1,1\n61,1,2,1,1\n",
    )
    PracticeAnswer.objects.create(
        learner_key=f"user:{site.users['learner'].pk}",
        user=site.users["learner"],
        item="action:survive_shock",
        concept_ids=["C04", "C09"],
        is_correct=True,
    )
    return site


def admin_requests(site) -> list[tuple[str, str, str]]:
    """(name, path, owner) for every named admin URL; owner is 'app.model' or 'site'."""
    models = {f"{m._meta.app_label}_{m._meta.model_name}": m for m in admin.site._registry}
    requests = []
    for pattern in admin_patterns():
        name = pattern.name
        if name is None:  # the catch-all redirects and the old change URL
            continue
        match = MODEL_URL.match(name)
        model = None
        if match and f"{match['app']}_{match['model']}" in models:
            model = models[f"{match['app']}_{match['model']}"]
        if model is None:
            requests += site_admin_requests(name, site)
            continue
        obj = model._default_manager.order_by("pk").first()
        assert obj is not None, f"no {model._meta.label} to open {name}"
        assert match is not None  # a model was found through it
        view = match["view"]
        if view in ("changelist", "add", "import", "preview", "statistics"):
            args = []
        elif view == "simple_history":
            # simple_history adds the history manager to the model class at run time.
            record = obj.history.order_by("history_id").first()  # type: ignore[attr-defined]
            if record is None:
                continue
            args = [obj.pk, record.history_id]
        else:
            args = [obj.pk]
        owner = model._meta.label_lower
        requests.append((name, reverse(f"admin:{name}", args=args), owner))
    return requests


def site_admin_requests(name: str, site) -> list[tuple[str, str, str]]:
    if name == "app_list":
        return [
            (name, reverse("admin:app_list", args=[app]), app)
            for app in ("auth", "axes", "lessons", "quiz")
        ]
    if name == "view_on_site":
        return []  # a redirect to an object's own page (tested below)
    known = {
        "index",
        "login",
        "logout",
        "password_change",
        "password_change_done",
        "jsi18n",
        "autocomplete",
    }
    assert name in known, f"new admin URL {name!r}: decide who may open it"
    return [(name, reverse(f"admin:{name}"), "site")]


def expected_admin_outcome(name: str, owner: str, role: str) -> str:
    if name == "login":
        return "ok"
    if role in ("anonymous", "learner"):
        # Logging out of nothing sends them to the admin index, which asks them to sign in.
        return "ok" if name == "logout" else "login"
    if name in ("logout", "lessons_lesson_preview"):
        return "method"  # POST only
    if name == "autocomplete":
        return "refused"  # without a field to complete, for everybody
    if name == "app_list":
        if role == "instructor" and owner not in ("lessons", "quiz"):
            return "missing"
        return "ok"
    if name in NOBODY_ADDS:
        return "refused"
    if owner == "site" or role == "superuser" or owner in INSTRUCTOR_MODELS:
        return "ok"
    return "refused"


@pytest.mark.parametrize("role", ROLES)
def test_each_role_reaches_exactly_its_part_of_the_admin(admin_site_data, role):
    wrong = []
    requests = admin_requests(admin_site_data)
    for name, path, owner in requests:
        client = client_as(Client(), admin_site_data.users[role])
        response = client.get(path)
        got = "method" if response.status_code == 405 else outcome(response)
        want = expected_admin_outcome(name, owner, role)
        if got != want:
            wrong.append(f"{path} ({name}): {got}, expected {want}")
    assert wrong == []
    assert len(requests) > 80


def test_an_instructor_cannot_make_anyone_staff_or_change_groups(admin_site_data):
    client = client_as(Client(), admin_site_data.users["instructor"])
    learner = admin_site_data.users["learner"]
    response = client.post(
        reverse("admin:auth_user_change", args=[learner.pk]),
        {"username": "learner", "is_staff": "on", "is_superuser": "on"},
    )
    assert response.status_code == 403
    learner.refresh_from_db()
    assert not learner.is_staff
    assert not learner.is_superuser
    assert client.post(reverse("admin:auth_group_add"), {"name": "Root"}).status_code == 403


def test_an_instructor_edits_a_lesson_in_the_admin(admin_site_data):
    client = client_as(Client(), admin_site_data.users["instructor"])
    lesson = admin_site_data.lesson
    response = client.get(reverse("admin:lessons_lesson_change", args=[lesson.pk]))
    assert response.status_code == 200
    assert lesson.title in response.content.decode()


def test_view_on_site_redirects_staff_to_the_objects_page_and_others_to_sign_in(admin_site_data):
    lesson = admin_site_data.lesson
    content_type = ContentType.objects.get_for_model(lesson)
    path = reverse("admin:view_on_site", args=[content_type.pk, lesson.pk])
    assert outcome(Client().get(path)) == "login"
    assert outcome(client_as(Client(), admin_site_data.users["learner"]).get(path)) == "login"
    response = client_as(Client(), admin_site_data.users["instructor"]).get(path)
    assert response.status_code == 302
    assert response["Location"].endswith(lesson.get_absolute_url())
