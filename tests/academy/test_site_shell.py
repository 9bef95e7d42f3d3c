import pytest
from django.test import override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_home_page_explains_the_academy_and_links_its_parts(client):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "isolated" in html
    assert "cross" in html
    assert "not financial advice" in html
    assert 'href="#main"' in html  # skip link


def test_home_page_loads_htmx_and_bootstrap_from_our_static_files(client):
    html = client.get(reverse("home")).content.decode()
    assert "/static/vendor/htmx/htmx.min.js" in html
    assert "/static/vendor/bootstrap/bootstrap.min.css" in html
    assert "//cdn" not in html
    assert "unpkg" not in html


def test_every_htmx_request_carries_the_csrf_token(client):
    html = client.get(reverse("home")).content.decode()
    assert 'hx-headers=\'{"X-CSRFToken":' in html


def test_htmx_config_keeps_eval_and_script_tags_off(client):
    html = client.get(reverse("home")).content.decode()
    assert '"allowEval": false' in html
    assert '"selfRequestsOnly": true' in html


def test_home_page_refuses_post(client):
    assert client.post(reverse("home")).status_code == 405


def test_unknown_url_gets_the_custom_404_page(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_admin_login_page_answers(client):
    response = client.get("/admin/login/")
    assert response.status_code == 200


@override_settings(DEBUG=False)
def test_server_error_page_renders_without_a_request_context():
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert "Something went wrong" in html


@pytest.mark.parametrize(
    "path",
    [
        "/static/vendor/htmx/htmx.min.js",
        "/static/vendor/bootstrap/bootstrap.min.css",
        "/static/vendor/bootstrap/bootstrap.bundle.min.js",
        "/static/css/academy.css",
    ],
)
def test_static_files_are_served_locally(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) if response.streaming else response.content


def test_health_check_answers_ok_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.content == b"ok\n"
