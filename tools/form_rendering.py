"""The calculators' form fields as HTML, written directly instead of through crispy-forms.

crispy-forms rendered each field through a dozen nested templates: about three quarters of a
calculator page's time (cProfile, issue 20). The markup is small and fixed, so it is written
here with ``format_html``: Bootstrap 5's grid, a label (a legend for radio groups), the widget
with Bootstrap's classes, ``is-invalid`` and ``aria-invalid`` when the field has an error, the
unit as an input-group suffix, the help text, and the error slot that htmx refreshes out of band
(``tools/_field_errors.html``, shared with the partial response). Text inputs, selects and
checkboxes are written here too (``widget_html``: the tag Django's widget template writes, with
the same attributes; tests/tools/test_form_rendering.py compares them); any other widget is
rendered by Django.
"""

from __future__ import annotations

from django import forms
from django.forms.utils import flatatt
from django.template.loader import get_template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

COLUMN = "col-12 col-sm-6"
WIDGET_CLASSES = {
    forms.Select: "select form-select",
    forms.CheckboxInput: "checkboxinput form-check-input",
}
TEXT_CLASSES = "textinput form-control"


def render_fields(form: forms.Form, fieldsets: tuple[tuple[str, tuple[str, ...]], ...]) -> str:
    """Every field of ``form``: the ungrouped ones in a row, then each fieldset with its legend."""
    grouped = {name for _, names in fieldsets for name in names}
    errors = get_template("tools/_field_errors.html")
    parts = [_row(form, [n for n in form.fields if n not in grouped], errors)]
    for legend, names in fieldsets:
        parts.append(
            format_html(
                '<fieldset class="tool-fieldset"><legend>{}</legend>{}</fieldset>',
                legend,
                _row(form, names, errors),
            )
        )
    return mark_safe("\n".join(parts))  # noqa: S308 - every part was built by format_html


def _row(form, names, errors) -> SafeString:
    return format_html(
        '<div class="row">{}</div>',
        format_html_join(
            "",
            '<div class="{}"><div class="tool-field">{}{}</div></div>',
            ((COLUMN, _field(form[name]), errors.render({"field": form[name]})) for name in names),
        ),
    )


def _label_text(bound) -> SafeString:
    if bound.field.required:
        return format_html('{}<span class="asteriskField">*</span>', bound.label)
    return format_html("{}", bound.label)


def _help(bound) -> SafeString:
    if not bound.help_text:
        return mark_safe("")
    return format_html(
        '<div id="{}_helptext" class="form-text">{}</div>', bound.auto_id, bound.help_text
    )


def _invalid(bound, classes: str) -> dict[str, str]:
    if bound.errors:
        return {"class": f"{classes} is-invalid", "aria-invalid": "true"}
    return {"class": classes}


def _field(bound) -> SafeString:
    widget = bound.field.widget
    if isinstance(widget, forms.RadioSelect):
        return _radios(bound)
    if isinstance(widget, forms.CheckboxInput):
        return format_html(
            '<div class="mb-3"><div id="div_{}" class="form-check">{}'
            '<label for="{}" class="form-check-label">{}</label></div>{}</div>',
            bound.auto_id,
            widget_html(bound, _invalid(bound, WIDGET_CLASSES[forms.CheckboxInput])),
            bound.id_for_label,
            bound.label,
            _help(bound),
        )
    classes = WIDGET_CLASSES.get(type(widget), TEXT_CLASSES)
    control = widget_html(bound, _invalid(bound, classes))
    unit = getattr(bound.field, "unit", "")
    if unit:
        control = format_html(
            '<div class="input-group">{}<span class="input-group-text">{}</span></div>',
            control,
            unit,
        )
    return format_html(
        '<div id="div_{}" class="mb-3"><label for="{}" class="form-label{}">{}</label>{}{}</div>',
        bound.auto_id,
        bound.id_for_label,
        " requiredField" if bound.field.required else "",
        _label_text(bound),
        control,
        _help(bound),
    )


def _radios(bound) -> SafeString:
    described_by = bound.field.widget.attrs.get("aria-describedby", "")
    invalid = " is-invalid" if bound.errors else ""
    options = format_html_join(
        "",
        '<div class="form-check form-check-inline">'
        '<input type="radio" class="form-check-input{}" name="{}" value="{}"'
        ' aria-describedby="{}" id="{}"{}{}>'
        '<label for="{}" class="form-check-label">{}</label></div>',
        (
            (
                invalid,
                bound.html_name,
                choice.data["value"],
                described_by,
                choice.id_for_label,
                mark_safe(" required") if bound.field.required else "",
                mark_safe(" checked") if choice.data["selected"] else "",
                choice.id_for_label,
                choice.choice_label,
            )
            for choice in bound.subwidgets
        ),
    )
    return format_html(
        '<div id="div_{}" class="mb-3"><fieldset>'
        '<legend class="fs-6 form-label{}">{}</legend><div>{}</div></fieldset>{}</div>',
        bound.auto_id,
        " requiredField" if bound.field.required else "",
        _label_text(bound),
        options,
        _help(bound),
    )


def widget_html(bound, extra: dict[str, str]) -> SafeString:
    """``bound.as_widget(attrs=extra)`` for a text input, a flat select or a checkbox, written
    without Django's widget templates (a template per input was most of what is left)."""
    widget = bound.field.widget
    kind = type(widget)
    if kind not in (forms.TextInput, forms.Select, forms.CheckboxInput):
        return bound.as_widget(attrs=extra)
    attrs = {**widget.attrs, **bound.build_widget_attrs(extra, widget)}
    if bound.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", bound.auto_id)
    value = bound.value()
    if kind is forms.Select:
        choices = list(bound.field.choices)
        if any(isinstance(label, (list, tuple)) for _, label in choices):
            return bound.as_widget(attrs=extra)  # option groups: Django's template
        chosen = "" if value is None else str(value)
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (key, mark_safe(" selected") if str(key) == chosen else "", label)
                for key, label in choices
            ),
        )
        return format_html(
            '<select name="{}"{}>{}</select>', bound.html_name, flatatt(attrs), options
        )
    if kind is forms.CheckboxInput:
        if widget.check_test(value):
            attrs["checked"] = True
        return format_html('<input type="checkbox" name="{}"{}>', bound.html_name, flatatt(attrs))
    shown = widget.format_value(value)
    return format_html(
        '<input type="{}" name="{}"{}{}>',
        widget.input_type,
        bound.html_name,
        format_html(' value="{}"', shown) if shown is not None else "",
        flatatt(attrs),
    )
