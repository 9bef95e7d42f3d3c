"""The calculators' fields written by tools.form_rendering carry the same tags and attributes as
Django's widget templates would give them, bound to the worked example and to bad input."""

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
