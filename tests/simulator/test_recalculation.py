"""The htmx recalculation: every post is computed from its setup (no cache keyed by the body:
issue 20 measured it costing a learner's new setup more than it saved), and the same setup gets
the same answer whatever else differs (token, field order, encoding)."""

from urllib.parse import urlencode

import pytest

from simulator import views

pytestmark = pytest.mark.django_db

INDEX = "/simulator/"
HTMX = {"HX-Request": "true"}
FORM = "application/x-www-form-urlencoded"


def htmx_post(client, data, headers=HTMX):
    """A recalculation as htmx sends it: the form's fields urlencoded, in the form's order."""
    return client.post(INDEX, urlencode(data), content_type=FORM, headers=headers)


@pytest.fixture
def engine_calls(monkeypatch):
    calls = []
    real_simulate = views.simulate

    def counting_simulate(*args, **kwargs):
        calls.append(1)
        return real_simulate(*args, **kwargs)

    monkeypatch.setattr(views, "simulate", counting_simulate)
    return calls


def test_the_same_setup_posted_again_is_computed_again_and_answered_identically(
    client, w4_data, engine_calls
):
    first = htmx_post(client, w4_data | {"csrfmiddlewaretoken": "a"})
    second = htmx_post(client, w4_data | {"csrfmiddlewaretoken": "b"})
    assert len(engine_calls) == 2
    assert second.content == first.content
    for header in ("HX-Push-Url", "HX-Trigger-After-Settle", "Vary", "Content-Type"):
        assert second[header] == first[header]


def test_a_changed_setup_is_computed_again(client, w4_data, engine_calls):
    htmx_post(client, w4_data)
    response = htmx_post(client, w4_data | {"pos-0-leverage": "5"})
    assert len(engine_calls) == 2
    assert "leverage=5" in response["HX-Push-Url"]


def test_an_invalid_setup_never_reaches_the_engine(client, w4_data, engine_calls):
    bad = w4_data | {"wallet_balance": "-1"}
    for _ in range(2):
        response = htmx_post(client, bad)
        assert "Not recalculated" in response.content.decode()
        assert "HX-Push-Url" not in response
    assert engine_calls == []


def test_every_reveal_is_computed(client, w4_data, engine_calls):
    htmx_post(client, w4_data)
    reveal = w4_data | {"run": "reveal", "predict": "on", "predicted_survivor": "both"}
    htmx_post(client, reveal)
    htmx_post(client, reveal)
    assert len(engine_calls) == 3


def test_a_mode_switch_note_depends_on_the_page_the_learner_came_from(client, w4_data):
    before = htmx_post(client, w4_data)["HX-Push-Url"]
    cross = w4_data | {"pos-0-margin_mode": "cross"}
    assert "close it before switching" not in htmx_post(client, cross).content.decode()
    html = htmx_post(
        client, cross, HTMX | {"HX-Current-URL": "http://testserver" + before}
    ).content.decode()
    assert "close it before switching its margin mode" in html


def test_a_plain_post_after_an_htmx_one_gets_the_whole_page(client, w4_data):
    htmx_post(client, w4_data)
    plain_post = client.post(INDEX, urlencode(w4_data), content_type=FORM)  # no JavaScript
    assert "<html" in plain_post.content.decode()


def test_the_same_fields_in_another_order_get_the_same_answer(client, w4_data, engine_calls):
    first = htmx_post(client, w4_data)
    reordered = htmx_post(client, dict(reversed(list(w4_data.items()))))
    assert reordered.content == first.content
    assert reordered["HX-Push-Url"] == first["HX-Push-Url"]


def test_a_multipart_post_is_answered_like_an_urlencoded_one(client, w4_data, engine_calls):
    for _ in range(2):
        response = client.post(INDEX, w4_data, headers=HTMX)  # the test client's multipart
        assert 'data-announce="Recalculated.' in response.content.decode()
    assert len(engine_calls) == 2
