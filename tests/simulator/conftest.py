import pytest

from simulator.presets import PRESETS


@pytest.fixture
def w4_data():
    """Preset W4 as posted form data (a fresh, mutable copy)."""
    return dict(PRESETS["W4"].form_data())


@pytest.fixture
def htmx_post(client):
    """POST as htmx does: the HX-Request header set."""

    def post(url, data):
        return client.post(url, data, headers={"HX-Request": "true"})

    return post
