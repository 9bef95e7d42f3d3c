"""Links between apps: one builder (core/links.py) for every page that makes them."""

from decimal import Decimal as D
from urllib.parse import parse_qsl, urlsplit

import pytest

from core.links import concept_lesson_url, embed_url, preset_url, setup_url
from tools.results import SimulatorPosition, SimulatorSetup
from tools.views import simulator_link


def test_a_worked_example_and_its_card_have_fixed_urls():
    assert preset_url("W4") == "/simulator/?preset=W4"
    assert embed_url("W4") == "/simulator/embed/W4/"
    assert concept_lesson_url("C07") == "/learn/concepts/C07/"


@pytest.mark.django_db
def test_other_pages_can_build_a_link_that_opens_a_setup(client):
    url = setup_url(
        wallet_balance="5000",
        positions=[
            {
                "symbol": "BTCUSDT",
                "side": "long",
                "margin_mode": "isolated",
                "entry_price": "65000",
                "size": "10000",
                "leverage": "10",
            }
        ],
        shocks={"BTCUSDT": "-12"},
    )
    assert url.startswith("/simulator/?wallet_balance=5000&")
    html = client.get(url).content.decode()
    assert "A liquidated" in html
    assert "58,734.94" in html


@pytest.mark.django_db
def test_a_calculator_link_uses_the_simulators_form_names(client):
    setup = SimulatorSetup(
        wallet_balance=D("5000"),
        venue="binance",
        positions=(
            SimulatorPosition(
                "BTCUSDT",
                "long",
                "isolated",
                D("60000"),
                D("2000.000000000000000001"),
                D("10"),
                D("250.5"),
            ),
        ),
    )
    url = simulator_link(setup)
    assert urlsplit(url).path == "/simulator/"
    fields = dict(parse_qsl(urlsplit(url).query))
    expected = {
        "wallet_balance": "5000",
        "collateral": "USDT",
        "venue": "binance",
        "pos-TOTAL_FORMS": "1",
        "pos-INITIAL_FORMS": "0",
        "pos-0-symbol": "BTCUSDT",
        "pos-0-side": "long",
        "pos-0-margin_mode": "isolated",
        "pos-0-entry_price": "60000",
        "pos-0-size_by": "notional",
        "pos-0-size": "2000",
        "pos-0-leverage": "10",
        "pos-0-isolated_margin": "250.5",
    }
    assert {key: fields.get(key) for key in expected} == expected
    assert client.get(url).status_code == 200


def test_a_remembered_url_is_what_reverse_gives_and_follows_the_script_prefix():
    from django.urls import get_script_prefix, reverse, set_script_prefix

    from core.links import reversed_url

    assert reversed_url("lessons:concept", "C04") == reverse(
        "lessons:concept", kwargs={"concept_id": "C04"}
    )
    assert reversed_url("simulator:index") == reverse("simulator:index")
    before = get_script_prefix()
    set_script_prefix("/academy/")
    try:
        assert reversed_url("simulator:index") == "/academy/simulator/"
    finally:
        set_script_prefix(before)
    assert reversed_url("simulator:index") == "/simulator/"


@pytest.mark.parametrize(
    "arguments",
    [
        "'home'",
        "'me:progress'",
        "'lessons:concept' 'C04'",
        "'lessons:complete' 'basics' 'leverage'",
    ],
)
def test_the_remembered_url_tag_writes_what_the_url_tag_writes(arguments):
    from django.template import Context, Template

    remembered = Template(
        "{% load remembered_urls %}{% remembered_url " + arguments + " %}|"
        "{% remembered_url " + arguments + " as u %}{{ u }}"
    ).render(Context())
    django = Template("{% url " + arguments + " %}|{% url " + arguments + " as u %}{{ u }}").render(
        Context()
    )
    assert remembered == django
