import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

pytestmark = pytest.mark.django_db

PASSWORD = "a-Strong-pass-2026"


@pytest.fixture
def learner():
    return get_user_model().objects.create_user("ada", "ada@example.com", PASSWORD)


def test_signup_creates_an_account_signs_it_in_and_hashes_with_argon2(client):
    response = client.post(
        reverse("signup"),
        {"username": "grace", "email": "", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    user = get_user_model().objects.get(username="grace")
    assert user.password.startswith("argon2")
    assert client.session["_auth_user_id"] == str(user.pk)


def test_signup_shows_errors_beside_the_fields(client):
    response = client.post(
        reverse("signup"), {"username": "", "password1": "short", "password2": "other"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "This field is required." in html
    assert "The two password fields" in html
    assert not get_user_model().objects.exists()


def test_signup_refuses_a_weak_password(client):
    response = client.post(
        reverse("signup"), {"username": "bob", "password1": "12345678", "password2": "12345678"}
    )
    assert "This password is too common." in response.content.decode()


def test_signup_follows_a_local_next_but_not_an_outside_one(client):
    data = {"username": "lin", "password1": PASSWORD, "password2": PASSWORD}
    response = client.post(reverse("signup") + "?next=/admin/", {**data, "next": "/admin/"})
    assert response["Location"] == "/admin/"
    client.post(reverse("logout"))
    data["username"] = "lin2"
    response = client.post(reverse("signup"), {**data, "next": "https://evil.example/"})
    assert response["Location"] == reverse("me:progress")


def test_login_with_the_right_password_signs_in(client, learner):
    response = client.post(reverse("login"), {"username": "ada", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(learner.pk)


def test_logout_needs_a_post(client, learner):
    client.force_login(learner)
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_five_failed_logins_lock_out_that_username_from_that_address(client, learner):
    for _ in range(5):
        response = client.post(reverse("login"), {"username": "ada", "password": "wrong"})
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()
    # Even the right password is refused while locked out.
    response = client.post(reverse("login"), {"username": "ada", "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_four_failed_logins_do_not_lock_out(client, learner):
    for _ in range(4):
        client.post(reverse("login"), {"username": "ada", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "ada", "password": PASSWORD})
    assert response.status_code == 302


def test_password_reset_sends_a_link_that_sets_a_new_password(client, learner):
    client.post(reverse("password_reset"), {"email": "ada@example.com"})
    assert len(mail.outbox) == 1
    link = next(line for line in mail.outbox[0].body.splitlines() if "/reset/" in line)
    path = link.split("://", 1)[1].split("/", 1)[1]
    response = client.get("/" + path, follow=True)
    new = "another-Strong-pass-2026"
    client.post(response.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    learner.refresh_from_db()
    assert learner.check_password(new)


def test_password_change_requires_sign_in(client):
    response = client.get(reverse("password_change"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_navigation_offers_sign_in_or_sign_out(client, learner):
    html = client.get(reverse("home")).content.decode()
    assert "Sign in" in html
    assert "Sign up" in html
    client.force_login(learner)
    html = client.get(reverse("home")).content.decode()
    assert "Signed in as ada" in html
    assert "Sign out" in html
