"""Every URL of the site, by role: the catalogue the header, CSRF and permission tests walk.

`site` loads the real course and question bank and creates one user per role (learner,
instructor, superuser) plus a quiz attempt owned by the learner. `site_endpoints(site)` turns every
named URL pattern outside the admin into a request that should succeed for its audience; a test
checks the catalogue against the URL resolver, so a new URL fails until someone decides who may
reach it.
"""

import json
from dataclasses import dataclass, field
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from core.learners import Learner
from lessons.instructors import INSTRUCTORS_GROUP
from lessons.models import Lesson
from quiz import services as quiz_services
from quiz.models import Quiz
from simulator.presets import PRESETS

ROLES = ("anonymous", "learner", "instructor", "superuser")
PASSWORDS = {
    "learner": "learner-pw-Zq81-margin",
    "instructor": "instructor-pw-Zq81-margin",
    "superuser": "superuser-pw-Zq81-margin",
}

# Who may reach an endpoint.
PUBLIC = "public"  # everyone: 2xx or a redirect within the site
SIGNED_IN = "signed-in"  # anonymous visitors are sent to the login page
ATTEMPT_OWNER = "attempt-owner"  # only the learner who started the quiz attempt; others 404
INSTRUCTOR_ONLY = "instructor-only"  # instructors and superusers; others are refused
NO_PAGE = "no-page"  # a name other URLs hang from (the API's root): 404 for everybody

API_BODY = {
    "wallet_balance": "5000",
    "positions": [
        {
            "id": "A",
            "symbol": "BTCUSDT",
            "side": "long",
            "margin_mode": "isolated",
            "entry_price": "65000",
            "notional": "10000",
            "leverage": "10",
            "isolated_margin": "1000",
            "maintenance_margin_rate": "0.005",
        }
    ],
}


def practice_answer() -> dict:
    """A lesson practice answer: an item acted on in a setup (no question needs to exist)."""
    import random

    from quiz.practice import action_item

    item = action_item("survive_shock", slot=0, rng=random.Random(0))
    margin = item.parameters["wallet_balance"]
    return {"token": item.token, "block": "", "page": "/learn/", "isolated_margin": margin}


@dataclass(frozen=True)
class Endpoint:
    """One request to one URL pattern: what to send and who may receive a success."""

    name: str  # the URL pattern's name, with namespace
    path: str
    method: str = "GET"
    data: dict = field(default_factory=dict)
    access: str = PUBLIC
    json_body: bool = False
    html: bool = True  # answers with an HTML page (as opposed to JSON or plain text)

    @property
    def state_changing(self) -> bool:
        return self.method == "POST"

    def send(self, client, **extra):
        if self.method == "GET":
            return client.get(self.path, self.data, **extra)
        if self.json_body:
            return client.post(
                self.path, json.dumps(self.data), content_type="application/json", **extra
            )
        return client.post(self.path, self.data, **extra)

    def __str__(self) -> str:
        return f"{self.method} {self.path} ({self.name})"


def url_pattern_names(resolver=None, namespace: tuple[str, ...] = ()) -> set[str]:
    """The qualified names of every named URL pattern, walking included URLconfs."""
    resolver = resolver or get_resolver()
    names = set()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = (*namespace, entry.namespace) if entry.namespace else namespace
            names |= url_pattern_names(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            names.add(":".join((*namespace, entry.name)))
    return names


def make_user(django_user_model, username: str, **flags):
    return django_user_model.objects.create_user(
        username, email=f"{username}@example.com", password=PASSWORDS[username], **flags
    )


@pytest.fixture
def site(db, django_user_model):
    """The shipped course and question bank, one user per role and the learner's quiz attempt."""
    call_command("load_lessons", verbosity=0)
    call_command("load_questions", verbosity=0)
    learner = make_user(django_user_model, "learner")
    instructor = make_user(django_user_model, "instructor", is_staff=True)
    instructor.groups.add(Group.objects.get(name=INSTRUCTORS_GROUP))
    superuser = make_user(django_user_model, "superuser", is_staff=True, is_superuser=True)
    quiz = Quiz.objects.filter(is_published=True).order_by("pk").first()
    attempt = quiz_services.attempt_start(
        quiz=quiz, learner=Learner(f"user:{learner.pk}", learner.pk), session={}
    )
    lesson = Lesson.objects.filter(published=True).select_related("module").order_by("pk").first()
    return SimpleNamespace(
        users={
            "anonymous": None,
            "learner": learner,
            "instructor": instructor,
            "superuser": superuser,
        },
        quiz=quiz,
        attempt=attempt,
        lesson=lesson,
    )


def client_as(client, user):
    """The test client signed in as `user` (force_login: django-axes needs a request to log in)."""
    if user is not None:
        client.force_login(user)
    return client


def first_answer(attempt) -> dict:
    """A well-formed answer to the attempt's first question (right or wrong does not matter)."""
    item = attempt.items.order_by("position").first()
    data = {"position": str(item.position)}
    if item.choices:
        data["choice"] = str(item.choices[0]["id"])
    else:
        data["value"] = "1"
    return data


def site_endpoints(site) -> list[Endpoint]:
    """One request per named URL pattern outside the admin (some patterns get two: GET and POST)."""
    w4 = dict(PRESETS["W4"].form_data())
    lesson = site.lesson
    lesson_args = [lesson.module.slug, lesson.slug]
    attempt = site.attempt.pk
    learner = site.users["learner"]
    uid = urlsafe_base64_encode(force_bytes(learner.pk))
    token = default_token_generator.make_token(learner)
    new_password = {
        "new_password1": "A-new-pw-Zq81-margin",
        "new_password2": "A-new-pw-Zq81-margin",
    }
    tools = [
        Endpoint(name, reverse(name))
        for name in sorted(url_pattern_names())
        if name.startswith("tools:") and name != "tools:index"
    ]
    return [
        Endpoint("home", reverse("home")),
        Endpoint("healthz", reverse("healthz"), html=False),
        Endpoint("favicon", reverse("favicon"), html=False),
        # accounts
        Endpoint("signup", reverse("signup")),
        Endpoint(
            "signup",
            reverse("signup"),
            "POST",
            {
                "username": "newcomer",
                "email": "",
                "password1": "Newcomer-pw-Zq81",
                "password2": "Newcomer-pw-Zq81",
            },
        ),
        Endpoint("login", reverse("login")),
        Endpoint(
            "login",
            reverse("login"),
            "POST",
            {"username": "learner", "password": PASSWORDS["learner"]},
        ),
        Endpoint("logout", reverse("logout"), "POST"),
        Endpoint("password_change", reverse("password_change"), access=SIGNED_IN),
        Endpoint(
            "password_change",
            reverse("password_change"),
            "POST",
            {"old_password": "wrong-on-purpose", **new_password},
            access=SIGNED_IN,
        ),
        Endpoint("password_change_done", reverse("password_change_done"), access=SIGNED_IN),
        Endpoint("password_reset", reverse("password_reset")),
        Endpoint(
            "password_reset", reverse("password_reset"), "POST", {"email": "learner@example.com"}
        ),
        Endpoint("password_reset_done", reverse("password_reset_done")),
        Endpoint("password_reset_confirm", reverse("password_reset_confirm", args=[uid, token])),
        Endpoint(
            "password_reset_confirm",
            reverse("password_reset_confirm", args=[uid, "set-password"]),
            "POST",
            new_password,
        ),
        Endpoint("password_reset_complete", reverse("password_reset_complete")),
        # progress and the instructor dashboard (accounts)
        Endpoint("me:progress", reverse("me:progress")),
        Endpoint("me:export", reverse("me:export"), access=SIGNED_IN, html=False),
        Endpoint("me:delete", reverse("me:delete"), access=SIGNED_IN),
        # A wrong password: the form says so and nothing is deleted (the round trip that deletes
        # is tests/accounts'); the POST still has to pass the CSRF check.
        Endpoint(
            "me:delete",
            reverse("me:delete"),
            "POST",
            {"password": "wrong-on-purpose"},
            access=SIGNED_IN,
        ),
        Endpoint("me:instructor", reverse("me:instructor"), access=INSTRUCTOR_ONLY),
        # lessons
        Endpoint("lessons:index", reverse("lessons:index")),
        Endpoint("lessons:search", reverse("lessons:search"), data={"q": "liquidation"}),
        Endpoint("lessons:glossary", reverse("lessons:glossary")),
        Endpoint("lessons:concept", reverse("lessons:concept", args=["C06"])),
        Endpoint("lessons:lesson", reverse("lessons:lesson", args=lesson_args)),
        Endpoint(
            "lessons:complete",
            reverse("lessons:complete", args=lesson_args),
            "POST",
            {"complete": "1"},
        ),
        # simulator
        Endpoint("simulator:index", reverse("simulator:index"), data={"preset": "W4"}),
        Endpoint("simulator:index", reverse("simulator:index"), "POST", w4),
        Endpoint("simulator:add_row", reverse("simulator:add_row"), "POST", w4),
        Endpoint(
            "simulator:remove_row",
            reverse("simulator:remove_row"),
            "POST",
            {**w4, "run": "remove-0"},
        ),
        Endpoint("simulator:details", reverse("simulator:details"), "POST", w4),
        Endpoint("simulator:predict", reverse("simulator:predict"), "POST", w4),
        Endpoint("simulator:replay", reverse("simulator:replay"), "POST", w4),
        Endpoint("simulator:monte_carlo", reverse("simulator:monte_carlo"), "POST", w4),
        Endpoint("simulator:embed", reverse("simulator:embed", args=["W4"])),
        Endpoint("simulator:events", reverse("simulator:events")),
        # no file: the form answers with its message beside the field
        Endpoint(
            "simulator:events_upload",
            reverse("simulator:events_upload"),
            "POST",
            {"symbol": "BTCUSDT", "price_type": "last"},
        ),
        Endpoint(
            "simulator:events_forget_upload", reverse("simulator:events_forget_upload"), "POST"
        ),
        Endpoint(
            "simulator:events_embed",
            reverse("simulator:events_embed", args=["black-thursday-2020"]),
        ),
        # the JSON API
        Endpoint("api-v1:api-root", reverse("api-v1:api-root"), access=NO_PAGE, html=False),
        Endpoint("api-v1:openapi-json", reverse("api-v1:openapi-json"), html=False),
        Endpoint("api-v1:openapi-view", reverse("api-v1:openapi-view")),
        Endpoint(
            "api-v1:simulate",
            reverse("api-v1:simulate"),
            "POST",
            API_BODY,
            json_body=True,
            html=False,
        ),
        Endpoint(
            "api-v1:monte-carlo",
            reverse("api-v1:monte-carlo"),
            "POST",
            {**API_BODY, "paths": 200, "seed": 1},
            json_body=True,
            html=False,
        ),
        Endpoint("api-v1:events", reverse("api-v1:events"), html=False),
        Endpoint(
            "api-v1:event-replay",
            reverse("api-v1:event-replay", args=["black-thursday-2020"]),
            "POST",
            {
                "wallet_balance": "5300",
                "positions": [
                    {"symbol": "BTCUSDT", "side": "long", "notional": "10000", "leverage": "2"}
                ],
            },
            json_body=True,
            html=False,
        ),
        Endpoint(
            "api-v1:match-my-exchange",
            reverse("api-v1:match-my-exchange"),
            "POST",
            {
                "position": API_BODY["positions"][0],
                "shown_liquidation_price": "50000",
            },
            json_body=True,
            html=False,
        ),
        # tools
        Endpoint("tools:index", reverse("tools:index")),
        *tools,
        # quiz
        Endpoint("quiz:index", reverse("quiz:index")),
        Endpoint("quiz:progress", reverse("quiz:progress")),
        Endpoint("quiz:start", reverse("quiz:start", args=[site.quiz.slug]), "POST"),
        Endpoint("quiz:attempt", reverse("quiz:attempt", args=[attempt]), access=ATTEMPT_OWNER),
        Endpoint(
            "quiz:question", reverse("quiz:question", args=[attempt, 1]), access=ATTEMPT_OWNER
        ),
        Endpoint(
            "quiz:answer",
            reverse("quiz:answer", args=[attempt]),
            "POST",
            first_answer(site.attempt),
            access=ATTEMPT_OWNER,
        ),
        Endpoint(
            "quiz:finish", reverse("quiz:finish", args=[attempt]), "POST", access=ATTEMPT_OWNER
        ),
        Endpoint("quiz:summary", reverse("quiz:summary", args=[attempt]), access=ATTEMPT_OWNER),
        Endpoint("quiz:retry", reverse("quiz:retry", args=[attempt]), "POST", access=ATTEMPT_OWNER),
        Endpoint(
            "quiz:practice_answer", reverse("quiz:practice_answer"), "POST", practice_answer()
        ),
    ]
