"""The calculators' and the simulator's fields written by tools.form_rendering carry the same
tags and attributes as Django's widget templates would give them, bound to the worked example and
to bad input; the simulator's compact layout keeps its ids, error slots and described-by links."""

from html.parser import HTMLParser

import pytest

from tools.catalog import TOOLS
from tools.form_rendering import widget_html


class Tags(HTMLParser):
    """Start tags with their attributes (as sets, so order does not matter) and the text."""

    def __init__(self):
        super().__init__()
        self.items = []

    def handle_starttag(self, tag, attrs):
        self.items.append((tag, frozenset(attrs)))

    def handle_data(self, data):
        if data.strip():
            self.items.append(("text", data.strip()))


def tags(html: str) -> list:
    parser = Tags()
    parser.feed(str(html))
    return parser.items


def bad_input(tool) -> dict:
    data = dict(tool.example)
    for name in list(data)[:3]:
        data[name] = "not a number"
    return data


@pytest.mark.parametrize("slug", sorted(TOOLS))
@pytest.mark.parametrize("case", ["example", "bad input", "unbound"])
def test_every_field_is_the_tag_django_would_write(slug, case):
    tool = TOOLS[slug]
    data = {"example": tool.example, "bad input": bad_input(tool), "unbound": None}[case]
    form = tool.form_class(data)
    if data is not None:
        form.is_valid()
    for name in form.fields:
        bound = form[name]
        extra = {"class": "form-control is-invalid", "aria-invalid": "true"}
        assert tags(widget_html(bound, extra)) == tags(bound.as_widget(attrs=extra)), name


def test_an_empty_error_slot_is_the_templates_markup():
    from django.template.loader import render_to_string

    from tools.form_rendering import ERRORS_TEMPLATE, error_slot

    form = TOOLS["pnl"].form_class(TOOLS["pnl"].example)
    assert form.is_valid()
    for name in form.fields:
        assert tags(error_slot(form[name])) == tags(
            render_to_string(ERRORS_TEMPLATE, {"field": form[name]})
        )


def simulator_forms(case: str) -> list:
    from simulator.forms import Setup
    from simulator.presets import PRESETS

    data = PRESETS["W4"].form_data()
    bad = data | {"wallet_balance": "abc", "pos-0-size": "-1", "parameters_as_of": "2020-99-01"}
    setup = Setup({"example": data, "bad input": bad, "unbound": None}[case])
    setup.is_valid()
    return [setup.account_form, *setup.formset.forms]


@pytest.mark.parametrize("case", ["example", "bad input", "unbound"])
def test_every_simulator_field_is_the_tag_django_would_write(case):
    for form in simulator_forms(case):
        for name in form.fields:
            bound = form[name]
            extra = {"class": "numberinput form-control", "aria-describedby": "x_error"}
            assert tags(widget_html(bound, extra)) == tags(bound.as_widget(attrs=extra)), name


def test_a_compact_field_names_its_error_and_help_and_shows_the_error_beside_it():
    from tools.form_rendering import compact_field

    account = simulator_forms("bad input")[0]
    assert tags(compact_field(account["wallet_balance"])) == [
        ("div", frozenset({("id", "div_id_wallet_balance"), ("class", "sim-field mb-2")})),
        (
            "label",
            frozenset(
                {("for", "id_wallet_balance"), ("class", "form-label small fw-semibold mb-1")}
            ),
        ),
        ("text", "Wallet balance"),
        (
            "input",
            frozenset(
                {
                    ("type", "number"),
                    ("name", "wallet_balance"),
                    ("value", "abc"),
                    ("step", "any"),
                    ("inputmode", "decimal"),
                    ("class", "numberinput form-control form-control-sm is-invalid"),
                    ("aria-describedby", "id_wallet_balance_error id_wallet_balance_helptext"),
                    ("aria-invalid", "true"),
                    ("required", None),
                    ("id", "id_wallet_balance"),
                }
            ),
        ),
        ("div", frozenset({("id", "id_wallet_balance_error"), ("class", "field-error small")})),
        ("text", "Enter a number."),
        (
            "div",
            frozenset({("id", "id_wallet_balance_helptext"), ("class", "form-text small mt-0")}),
        ),
        ("text", "All the collateral in the account, free or assigned."),
    ]


def test_a_valid_compact_select_has_an_empty_error_slot_and_no_invalid_marks():
    from tools.form_rendering import compact_field

    row = simulator_forms("example")[1]
    html = str(compact_field(row["symbol"]))
    assert 'class="select form-select form-select-sm"' in html
    assert 'aria-describedby="id_pos-0-symbol_error"' in html
    assert '<div id="id_pos-0-symbol_error" class="field-error small"></div>' in html
    assert "aria-invalid" not in html
    assert "required" not in html  # the position rows never say required
    assert compact_field(simulator_forms("example")[0]["preset"]) == (
        '<input type="hidden" name="preset" value="W4" id="id_preset">'
    )
