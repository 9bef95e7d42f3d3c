"""The htmx recalculation's partial is cached per posted setup; these say when it may not be."""

import pytest

from simulator import views

pytestmark = pytest.mark.django_db

INDEX = "/simulator/"
HTMX = {"HX-Request": "true"}


@pytest.fixture
def engine_calls(monkeypatch):
    calls = []
    real_simulate = views.simulate

    def counting_simulate(*args, **kwargs):
        calls.append(1)
        return real_simulate(*args, **kwargs)

    monkeypatch.setattr(views, "simulate", counting_simulate)
    return calls


def test_the_same_setup_posted_again_is_answered_from_the_cache_identically(
    client, w4_data, engine_calls
):
    first = client.post(INDEX, w4_data | {"csrfmiddlewaretoken": "a"}, headers=HTMX)
    second = client.post(INDEX, w4_data | {"csrfmiddlewaretoken": "b"}, headers=HTMX)
    assert len(engine_calls) == 1
    assert second.content == first.content
    for header in ("HX-Push-Url", "HX-Trigger-After-Settle", "Vary", "Content-Type"):
        assert second[header] == first[header]


def test_a_changed_setup_is_computed_again(client, w4_data, engine_calls):
    client.post(INDEX, w4_data, headers=HTMX)
    response = client.post(INDEX, w4_data | {"pos-0-leverage": "5"}, headers=HTMX)
    assert len(engine_calls) == 2
    assert "leverage=5" in response["HX-Push-Url"]


def test_invalid_setups_are_not_cached(client, w4_data, engine_calls):
    bad = w4_data | {"wallet_balance": "-1"}
    for _ in range(2):
        response = client.post(INDEX, bad, headers=HTMX)
        assert "Not recalculated" in response.content.decode()
        assert "HX-Push-Url" not in response
    assert engine_calls == []


def test_a_reveal_is_never_served_from_the_cache(client, w4_data, engine_calls):
    client.post(INDEX, w4_data, headers=HTMX)
    reveal = w4_data | {"run": "reveal", "predict": "on", "predicted_survivor": "both"}
    client.post(INDEX, reveal, headers=HTMX)
    client.post(INDEX, reveal, headers=HTMX)
    assert len(engine_calls) == 3


def test_a_mode_switch_note_appears_even_when_the_setup_is_cached(client, w4_data):
    before = client.post(INDEX, w4_data, headers=HTMX)["HX-Push-Url"]
    cross = w4_data | {"pos-0-margin_mode": "cross"}
    client.post(INDEX, cross, headers=HTMX)  # cached without a current page
    html = client.post(
        INDEX, cross, headers=HTMX | {"HX-Current-URL": "http://testserver" + before}
    ).content.decode()
    assert "close it before switching its margin mode" in html


def test_the_full_page_is_not_answered_with_the_cached_partial(client, w4_data):
    client.post(INDEX, w4_data, headers=HTMX)
    assert "<html" in client.post(INDEX, w4_data).content.decode()
