"""Concept ids in Django: the one validator, the admin's form field and the model field.

Every model that stores concept ids (lessons, glossary terms, quiz questions, quizzes, practice
answers) stores them the same way, a JSON list such as ``["C04", "C09"]``, through
`ConceptIdsField`, which checks them with `core.concepts.concept_id_problem`. In the admin the
ids are typed as "C04 C09" or "C04, C09" (no JSON brackets) and shown back as "C04, C09".
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.deconstruct import deconstructible

from core.concepts import ALL_IDS, COURSE_CONCEPT_IDS, concept_id_problem, parse_concept_ids


def concept_list(ids: list[str]) -> str:
    """Stored ids as the admin shows and takes them: "C04, C09"."""
    return ", ".join(str(concept_id) for concept_id in ids)


@deconstructible
class ConceptIdsValidator:
    """Stored concept ids must be a list of known ids: course concepts only (C01-C28) when
    `course_only`, else any tag of the course map (concepts, worked examples, errata, ...)."""

    def __init__(self, course_only: bool = False) -> None:
        self.course_only = course_only

    @property
    def known(self) -> frozenset[str]:
        return COURSE_CONCEPT_IDS if self.course_only else ALL_IDS

    def __call__(self, value: object) -> None:
        problem = concept_id_problem(value, self.known)
        if problem:
            raise ValidationError(problem, code="concept_ids")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ConceptIdsValidator) and other.course_only == self.course_only

    def __hash__(self) -> int:
        return hash((ConceptIdsValidator, self.course_only))


validate_concept_ids = ConceptIdsValidator()
validate_course_concept_ids = ConceptIdsValidator(course_only=True)


class ConceptIdsFormField(forms.CharField):
    """Concept ids typed as "C04 C09" or "C04, C09" (case and repeats forgiven), cleaned to a
    list; the model field's validator then names any unknown id beside the field."""

    def __init__(self, *, course_only: bool = False, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.TextInput(attrs={"size": 40}))
        kwargs.pop("encoder", None)  # JSONField.formfield passes these; text needs neither
        kwargs.pop("decoder", None)
        kwargs.pop("max_length", None)
        super().__init__(**kwargs)
        self.validators.append(ConceptIdsValidator(course_only))

    def prepare_value(self, value: Any) -> Any:
        return concept_list(value) if isinstance(value, list) else value

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        if isinstance(value, list):
            return parse_concept_ids(value)
        return parse_concept_ids(super().to_python(value) or "")

    def has_changed(self, initial: Any, data: Any) -> bool:
        return parse_concept_ids(initial or []) != self.to_python(data)


class ConceptIdsField(models.JSONField):
    """A JSON list of concept ids, validated against the course map.

    ``course_only=True`` for quiz questions and quizzes (mastery is kept per concept, C01-C28);
    lessons and glossary terms may also carry worked-example, erratum and playbook ids.
    """

    def __init__(self, *args: Any, course_only: bool = False, **kwargs: Any) -> None:
        self.course_only = course_only
        kwargs.setdefault("default", list)
        kwargs["validators"] = [ConceptIdsValidator(course_only)]
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("validators", None)  # always the one above, rebuilt from course_only
        if self.course_only:
            kwargs["course_only"] = True
        return name, path, args, kwargs

    def formfield(self, **kwargs: Any) -> Any:
        return super().formfield(
            **{"form_class": ConceptIdsFormField, "course_only": self.course_only, **kwargs}
        )
