"""Forms whose fields are copied per instance without ``copy.deepcopy``.

Django gives every form instance its own fields with ``copy.deepcopy(base_fields)``: each field,
its widget and, for choice fields, every choice tuple, through the generic ``copy`` machinery.
For the simulator's recalculation (an account form, a form per position and the shock form on
every request) that was about a tenth of a new setup's cost (cProfile, issue 20). ``LightForm``
makes the same per-instance copies by hand: the field and its widget are new objects with their
own ``attrs``, ``error_messages`` and ``validators``, so anything a view, crispy-forms or a
template changes on one form's field stays on that form. Only the choices are shared: they are
fixed when the form class is defined and nothing changes them in place.

``clean_fields`` validates data with a form class's fields without building the form at all (the
simulator validates a whole setup that way on every slider move, issue 20), and
``LightForm.adopt_cleaned`` hands its result to a form built afterwards for rendering, so the
fields are not cleaned twice.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorDict
from django.forms.widgets import ChoiceWidget
from django.utils.datastructures import MultiValueDict

NO_FILES: MultiValueDict = MultiValueDict()  # what an unbound form's ``files`` is; never written


def _same_state(original):
    duplicate = object.__new__(type(original))
    duplicate.__dict__.update(original.__dict__)
    return duplicate


def copy_field(field: forms.Field) -> forms.Field:
    """What ``copy.deepcopy(field)`` gives a form, less the copy of the choices."""
    duplicate = _same_state(field)
    widget = _same_state(field.widget)
    widget.attrs = field.widget.attrs.copy()
    if isinstance(widget, ChoiceWidget):
        # Past the ``choices`` setter: the list is normalised already, and normalising it again
        # for every field of every form was most of the copy.
        vars(widget)["_choices"] = copy.copy(field.widget.choices)
    duplicate.widget = widget
    duplicate.error_messages = field.error_messages.copy()
    duplicate.validators = field.validators[:]
    return duplicate


class _FieldsToCopy(dict):
    """The class's fields, handed to ``BaseForm.__init__``, whose ``deepcopy`` lands here."""

    def __deepcopy__(self, memo):
        return {name: copy_field(field) for name, field in self.items()}


class LightForm(forms.Form):
    def __init__(self, *args, **kwargs):
        # An instance attribute on purpose: it shadows the class's fields for this form only.
        self.base_fields = _FieldsToCopy(type(self).base_fields)  # type: ignore[misc]
        try:
            super().__init__(*args, **kwargs)
        finally:
            del self.base_fields  # the class's own again

    def adopt_cleaned(self, cleaned: dict[str, Any]) -> None:
        """Mark this bound form as validated with ``cleaned`` (from ``clean_fields`` on the same
        data), so rendering it does not run every field's ``clean`` a second time."""
        self._errors = ErrorDict(renderer=self.renderer)
        self.cleaned_data = dict(cleaned)


def clean_fields(
    fields: Mapping[str, forms.Field], data: Mapping[str, Any], prefix: str | None = None
) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """``(cleaned_data, values)`` of a bound form of ``fields`` on ``data`` when no field has an
    error, else None: what ``Form._clean_fields`` computes (each widget's
    ``value_from_datadict``, then the field's own ``clean``), without building the form, a copy
    of each field and a ``BoundField`` per field. ``values`` are what ``BoundField.value()``
    gives (these fields' ``prepare_value`` leaves a value as it is). Only for fields that are
    not disabled in forms without ``clean_<name>`` methods; the fields are only read."""
    cleaned: dict[str, Any] = {}
    values: dict[str, Any] = {}
    for name, field in fields.items():
        value = field.widget.value_from_datadict(
            data, NO_FILES, f"{prefix}-{name}" if prefix else name
        )
        try:
            cleaned[name] = field.clean(value)
        except ValidationError:
            return None
        values[name] = value
    return cleaned, values
