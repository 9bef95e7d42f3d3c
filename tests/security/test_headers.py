"""Every HTML page of every type carries the security headers (one request per URL pattern)."""

import pytest

from tests.security.conftest import ROLES, client_as, site_endpoints, url_pattern_names

pytestmark = pytest.mark.django_db


def test_the_catalogue_covers_every_url_outside_the_admin(site):
    named = {name for name in url_pattern_names() if not name.startswith("admin:")}
    catalogued = {endpoint.name for endpoint in site_endpoints(site)}
    assert named - catalogued == set(), "new URLs: add them to tests/security/conftest.py"
    assert catalogued - named == set()


def csp_directives(policy: str) -> dict[str, list[str]]:
    directives = {}
    for part in policy.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def header_problems(response) -> list[str]:
    problems = []
    expected = {
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "same-origin",
    }
    for header, value in expected.items():
        if response.get(header) != value:
            problems.append(f"{header}={response.get(header)!r}")
    policy = response.get("Content-Security-Policy")
    if not policy:
        return [*problems, "no Content-Security-Policy"]
    directives = csp_directives(policy)
    script_src = directives.get("script-src", directives.get("default-src", []))
    if "'unsafe-inline'" in script_src or "'unsafe-eval'" in script_src:
        problems.append(f"script-src {script_src}")
    if directives.get("object-src") != ["'none'"]:
        problems.append(f"object-src {directives.get('object-src')}")
    if directives.get("base-uri") != ["'none'"]:
        problems.append(f"base-uri {directives.get('base-uri')}")
    return problems


@pytest.mark.parametrize("role", ROLES)
def test_every_html_response_carries_the_security_headers(site, client, role):
    client_as(client, site.users[role])
    seen, problems = 0, []
    for endpoint in site_endpoints(site):
        response = endpoint.send(client)
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        seen += 1
        problems += [f"{endpoint}: {problem}" for problem in header_problems(response)]
    assert problems == []
    assert seen > 40


def test_error_pages_carry_the_security_headers_too(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert header_problems(response) == []
    assert client.post("/").status_code == 405


def test_the_admin_pages_carry_the_security_headers(site, client):
    client_as(client, site.users["superuser"])
    for path in (
        "/admin/",
        "/admin/lessons/lesson/",
        f"/admin/lessons/lesson/{site.lesson.pk}/change/",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        assert header_problems(response) == [], path
    client.logout()
    assert header_problems(client.get("/admin/login/")) == []


def test_session_and_csrf_cookies_are_http_only_and_same_site(site, client):
    client.post("/accounts/login/", {"username": "learner", "password": "learner-pw-Zq81-margin"})
    cookies = client.cookies
    assert {"sessionid", "csrftoken"} <= set(cookies)
    for name in ("sessionid", "csrftoken"):
        assert cookies[name]["httponly"] is True, name
        assert cookies[name]["samesite"] == "Lax", name
