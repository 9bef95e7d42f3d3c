"""The calculators' form fields as HTML, written directly instead of through crispy-forms.

crispy-forms rendered each field through a dozen nested templates: about three quarters of a
calculator page's time (cProfile, issue 20). The markup is small and fixed, so it is written
here: Bootstrap 5's grid, a label (a legend for radio groups), the widget with Bootstrap's
classes, ``is-invalid`` and ``aria-invalid`` when the field has an error, the unit as an
input-group suffix, the help text, and the error slot that htmx refreshes out of band
(``tools/_field_errors.html``, shared with the partial response; an empty slot is written here,
the same markup, tested). Text inputs, selects and checkboxes are written here too
(``widget_html``: the tag Django's widget template writes, with the same attributes;
tests/tools/test_form_rendering.py compares them); any other widget is rendered by Django.
Every value is escaped with ``html.escape``, which is what Django's ``escape`` does.

The simulator's setup form uses the compact layout (``compact_fields``): the markup its crispy
template ``simulator/field.html`` wrote (the same ids, classes, ``aria-describedby`` naming the
error slot and the help text, the error beside the field), where crispy's templates were about
two thirds of the simulator page's time (cProfile, issue 20).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from html import escape

from django import forms
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe

COLUMN = "col-12 col-sm-6"
WIDGET_CLASSES: dict[type[forms.Widget], str] = {
    forms.Select: "select form-select",
    forms.CheckboxInput: "checkboxinput form-check-input",
}
TEXT_CLASSES = "textinput form-control"
ERRORS_TEMPLATE = "tools/_field_errors.html"


def _e(value) -> str:
    return escape(str(value))


def render_fields(form: forms.Form, fieldsets: tuple[tuple[str, tuple[str, ...]], ...]) -> str:
    """Every field of ``form``: the ungrouped ones in a row, then each fieldset with its legend."""
    grouped = {name for _, names in fieldsets for name in names}
    parts = [_row(form, [n for n in form.fields if n not in grouped])]
    for legend, names in fieldsets:
        parts.append(
            f'<fieldset class="tool-fieldset"><legend>{_e(legend)}</legend>'
            f"{_row(form, names)}</fieldset>"
        )
    return mark_safe("\n".join(parts))  # noqa: S308 - every value in it was escaped


def _row(form, names) -> str:
    cells = "".join(
        f'<div class="{COLUMN}"><div class="tool-field">{_field(form[name])}'
        f"{error_slot(form[name])}</div></div>"
        for name in names
    )
    return f'<div class="row">{cells}</div>'


def error_slot(bound) -> str:
    """The field's error slot: the template's markup, written here when there is nothing in it."""
    if bound.errors:
        return get_template(ERRORS_TEMPLATE).render({"field": bound})
    return (
        f'<div id="{_e(bound.auto_id)}_errors" class="tool-field-errors"'
        f' data-for="{_e(bound.html_name)}"></div>'
    )


def _label_text(bound) -> str:
    if bound.field.required:
        return f'{_e(bound.label)}<span class="asteriskField">*</span>'
    return _e(bound.label)


def _help(bound) -> str:
    if not bound.help_text:
        return ""
    return f'<div id="{_e(bound.auto_id)}_helptext" class="form-text">{_e(bound.help_text)}</div>'


def _invalid(bound, classes: str) -> dict[str, str]:
    if bound.errors:
        return {"class": f"{classes} is-invalid", "aria-invalid": "true"}
    return {"class": classes}


def _required(bound) -> str:
    return " requiredField" if bound.field.required else ""


def _field(bound) -> str:
    widget = bound.field.widget
    auto_id = _e(bound.auto_id)
    if isinstance(widget, forms.RadioSelect):
        return _radios(bound)
    if isinstance(widget, forms.CheckboxInput):
        control: str = widget_html(bound, _invalid(bound, WIDGET_CLASSES[forms.CheckboxInput]))
        return (
            f'<div class="mb-3"><div id="div_{auto_id}" class="form-check">{control}'
            f'<label for="{_e(bound.id_for_label)}" class="form-check-label">'
            f"{_e(bound.label)}</label></div>{_help(bound)}</div>"
        )
    control = widget_html(bound, _invalid(bound, WIDGET_CLASSES.get(type(widget), TEXT_CLASSES)))
    unit = getattr(bound.field, "unit", "")
    if unit:
        suffix = f'<span class="input-group-text">{_e(unit)}</span>'
        control = f'<div class="input-group">{control}{suffix}</div>'
    return (
        f'<div id="div_{auto_id}" class="mb-3"><label for="{_e(bound.id_for_label)}"'
        f' class="form-label{_required(bound)}">{_label_text(bound)}</label>'
        f"{control}{_help(bound)}</div>"
    )


def _radios(bound) -> str:
    described_by = _e(bound.field.widget.attrs.get("aria-describedby", ""))
    invalid = " is-invalid" if bound.errors else ""
    required = " required" if bound.field.required else ""
    options = "".join(
        f'<div class="form-check form-check-inline">'
        f'<input type="radio" class="form-check-input{invalid}" name="{_e(bound.html_name)}"'
        f' value="{_e(choice.data["value"])}" aria-describedby="{described_by}"'
        f' id="{_e(choice.id_for_label)}"{required}{" checked" if choice.data["selected"] else ""}>'
        f'<label for="{_e(choice.id_for_label)}" class="form-check-label">'
        f"{_e(choice.choice_label)}</label></div>"
        for choice in bound.subwidgets
    )
    return (
        f'<div id="div_{_e(bound.auto_id)}" class="mb-3"><fieldset>'
        f'<legend class="fs-6 form-label{_required(bound)}">{_label_text(bound)}</legend>'
        f"<div>{options}</div></fieldset>{_help(bound)}</div>"
    )


def _attributes(attrs: dict) -> str:
    """Django's ``flatatt``: ``True`` as a bare name, ``False`` and ``None`` left out."""
    parts = []
    for name, value in attrs.items():
        if value is True:
            parts.append(f" {name}")
        elif value is not False and value is not None:
            parts.append(f' {name}="{_e(value)}"')
    return "".join(parts)


# Inputs whose template is one <input> tag: type, name, value (as format_value gives it), attrs.
PLAIN_INPUTS = (
    forms.TextInput,
    forms.NumberInput,
    forms.DateInput,
    forms.HiddenInput,
)


def widget_html(bound: forms.BoundField, given: Mapping[str, str | bool]) -> SafeString:
    """``bound.as_widget(attrs=extra)`` for a text, number, date or hidden input, a flat select
    or a checkbox, written without Django's widget templates (a template per input was most of
    what was left)."""
    return _widget_html(bound, given, bound.auto_id)


def _widget_html(
    bound: forms.BoundField, given: Mapping[str, str | bool], auto_id: str | bool
) -> SafeString:
    """``widget_html`` with the field's ``auto_id`` already looked up (each ``BoundField``
    property is computed anew on every access: a form's worth of fields added up)."""
    extra = dict(given)
    widget = bound.field.widget
    kind = type(widget)
    if kind not in (*PLAIN_INPUTS, forms.Select, forms.CheckboxInput):
        return bound.as_widget(attrs=extra)
    attrs = {**widget.attrs, **bound.build_widget_attrs(extra, widget)}
    if auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", auto_id)
    name = _e(bound.html_name)
    value = bound.value()
    if kind is forms.Select:
        options = _flat_options(list(getattr(bound.field, "choices", ())))  # a Select's has them
        if options is None:
            return bound.as_widget(attrs=extra)  # option groups: Django's template
        chosen = "" if value is None else str(value)
        html = "".join(
            f'<option value="{key}" selected>{label}</option>'
            if raw == chosen
            else f'<option value="{key}">{label}</option>'
            for raw, key, label in options
        )
        return mark_safe(f'<select name="{name}"{_attributes(attrs)}>{html}</select>')  # noqa: S308
    if kind is forms.CheckboxInput:
        if widget.check_test(value):
            attrs["checked"] = True
        return mark_safe(f'<input type="checkbox" name="{name}"{_attributes(attrs)}>')  # noqa: S308
    shown = widget.format_value(value)
    shown_attr = f' value="{_e(shown)}"' if shown is not None else ""
    return mark_safe(  # noqa: S308 - every value in it was escaped
        f'<input type="{widget.input_type}" name="{name}"{shown_attr}{_attributes(attrs)}>'
    )


def _flat_options(choices: list) -> tuple[tuple[str, str, str], ...] | None:
    """A flat select's options as (value as text, escaped value, escaped label), or None for
    option groups."""
    if any(isinstance(label, (list, tuple)) for _, label in choices):
        return None
    try:
        return _escaped_options(tuple(choices))
    except TypeError:  # a value that cannot be a cache key
        return _escaped_options.__wrapped__(tuple(choices))


@functools.lru_cache(maxsize=256)
def _escaped_options(choices: tuple) -> tuple[tuple[str, str, str], ...]:
    """Kept per set of choices: the same few lists (markets, venues, sides) are written for
    every row of every page, and escaping them was a good part of a form's time."""
    return tuple((str(key), _e(key), _e(label)) for key, label in choices)


# --- the compact layout (the simulator's setup form) ------------------------------------------

COMPACT_CONTROL = {forms.Select: "form-select form-select-sm"}
COMPACT_TEXT = "form-control form-control-sm"


def compact_fields(
    form: forms.Form, columns: tuple[tuple[str, str], ...], row_class: str = ""
) -> SafeString:
    """A Bootstrap row of ``(field name, column classes)`` cells, each field in the compact
    layout (``compact_field``)."""
    cells = "".join(
        f'<div class="{column}">{compact_field(form[name])}</div>' for name, column in columns
    )
    row = f"row {row_class}" if row_class else "row"
    return mark_safe(f'<div class="{row}">{cells}</div>')  # noqa: S308 - escaped where written


def compact_field(bound: forms.BoundField) -> SafeString:
    """One field: its label, the control (``aria-describedby`` naming the error slot and the
    help text; ``is-invalid`` and ``aria-invalid`` with an error), the error slot with the first
    message, the help text. A hidden field is its input alone."""
    widget = bound.field.widget
    raw_id = bound.auto_id
    if widget.is_hidden:
        return _widget_html(bound, {}, raw_id)
    auto_id = _e(raw_id)
    help_text = bound.help_text
    errors = bound.errors
    described_by = f"{raw_id}_error"
    if help_text:
        described_by += f" {raw_id}_helptext"
    # The widget's class name first (what crispy's field tag put there), then Bootstrap's.
    classes = f"{type(widget).__name__.lower()} {COMPACT_CONTROL.get(type(widget), COMPACT_TEXT)}"
    extra: dict[str, str | bool] = {"class": classes, "aria-describedby": described_by}
    if errors:
        extra |= {"class": f"{classes} is-invalid", "aria-invalid": "true"}
    first_error = _e(errors[0]) if errors else ""
    help_html = (
        f'<div id="{auto_id}_helptext" class="form-text small mt-0">{_e(help_text)}</div>'
        if help_text
        else ""
    )
    return mark_safe(  # noqa: S308 - every value in it was escaped
        f'<div id="div_{auto_id}" class="sim-field mb-2">'
        f'<label for="{_e(bound.id_for_label)}" class="form-label small fw-semibold mb-1">'
        f"{_e(bound.label)}</label>{_widget_html(bound, extra, raw_id)}"
        f'<div id="{auto_id}_error" class="field-error small">{first_error}</div>'
        f"{help_html}</div>"
    )


def hidden_inputs(form: forms.Form) -> SafeString:
    """A form of hidden fields only (a formset's management form) as its inputs, which is what
    Django's form template writes for it."""
    return mark_safe("".join(widget_html(form[name], {}) for name in form.fields))  # noqa: S308
