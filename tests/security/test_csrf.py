"""CSRF: every state-changing endpoint refuses a POST without the token (403) and accepts it
with the token, for the role that may use it. The JSON API is the deliberate exception (below)."""

import pytest
from django.test import Client
from ninja.constants import NOT_SET

from api.endpoints import api
from tests.security.conftest import ATTEMPT_OWNER, client_as, site_endpoints

pytestmark = pytest.mark.django_db


def csrf_client(user) -> tuple[Client, str]:
    """A client that enforces CSRF like a browser would, and the token a page of ours gave it."""
    client = client_as(Client(enforce_csrf_checks=True), user)
    client.get("/")
    return client, client.cookies["csrftoken"].value


def posting_user(site, endpoint):
    return site.users["learner"] if endpoint.access == ATTEMPT_OWNER else None


def form_posts(site):
    return [e for e in site_endpoints(site) if e.state_changing and not e.json_body]


def test_every_form_post_without_the_token_is_refused_and_changes_nothing(site):
    posts = form_posts(site)
    assert len(posts) >= 15
    answers_before = site.attempt.answers.count()
    refused = []
    for endpoint in posts:
        client, _token = csrf_client(posting_user(site, endpoint))
        response = endpoint.send(client)
        if response.status_code != 403:
            refused.append(f"{endpoint}: {response.status_code}")
    assert refused == [], "accepted without a CSRF token"
    assert site.attempt.answers.count() == answers_before


def test_every_form_post_with_the_token_in_a_field_or_the_htmx_header_succeeds(site):
    failed = []
    for number, endpoint in enumerate(form_posts(site)):
        client, token = csrf_client(posting_user(site, endpoint))
        if number % 2:  # how htmx sends it: the header from <body hx-headers>
            response = endpoint.send(client, headers={"X-CSRFToken": token, "HX-Request": "true"})
        else:  # how a plain form sends it
            response = client.post(endpoint.path, {**endpoint.data, "csrfmiddlewaretoken": token})
        if not 200 <= response.status_code < 400:
            failed.append(f"{endpoint}: {response.status_code}")
    assert failed == []


def test_a_token_from_another_session_is_refused(site):
    _other, foreign_token = csrf_client(None)
    client, _token = csrf_client(None)
    response = client.post("/simulator/details/", {"csrfmiddlewaretoken": foreign_token + "x"})
    assert response.status_code == 403


def test_the_csrf_failure_page_says_what_to_do(site):
    client, _token = csrf_client(None)
    response = client.post("/simulator/details/", {})
    assert response.status_code == 403
    assert "CSRF" in response.content.decode()


# The JSON API takes no CSRF token, on purpose: it is public and stateless. It authenticates nobody
# (no cookie, no session: a cross-site request carries no privilege the attacker lacks), writes
# nothing, and sends no CORS headers, so another site cannot read its answers. django-ninja checks
# CSRF as soon as an operation uses cookie authentication (django_auth, APIKeyCookie): these tests
# keep the exemption honest by failing if that ever changes.


def test_the_api_authenticates_nobody_so_it_needs_no_csrf_token(site):
    assert api.auth in (NOT_SET, None)
    operations = [
        operation
        for path_view in api._routers[0][1].path_operations.values()
        for operation in path_view.operations
    ]
    assert operations
    assert all(operation.auth_callbacks == [] for operation in operations)


@pytest.mark.parametrize("role", ["anonymous", "learner"])
def test_api_posts_work_without_a_token_and_touch_no_session(site, role):
    client = client_as(Client(enforce_csrf_checks=True), site.users[role])
    for endpoint in site_endpoints(site):
        if endpoint.json_body:
            response = endpoint.send(client)
            assert response.status_code == 200, endpoint
            assert not response.cookies, endpoint
            assert "Access-Control-Allow-Origin" not in response
