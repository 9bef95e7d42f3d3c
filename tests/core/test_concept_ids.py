"""The one format (a list of ids) and the one check of concept ids, and their Django wrappers."""

import pytest
from django.core.exceptions import ValidationError

from core.concept_fields import (
    ConceptIdsField,
    ConceptIdsFormField,
    ConceptIdsValidator,
    validate_concept_ids,
    validate_course_concept_ids,
)
from core.concepts import (
    ALL_IDS,
    COURSE_CONCEPT_IDS,
    concept_id_problem,
    describe_ids,
    parse_concept_ids,
)

EVERY_TAG = "known: C01–C28, W1–W10, E1–E5, PB1–PB5."


@pytest.mark.parametrize(
    ("typed", "ids"),
    [
        ("C04 C09", ["C04", "C09"]),
        ("C04, C09", ["C04", "C09"]),
        ("c04,c09;C04", ["C04", "C09"]),
        ('["C04", "C09"]', ["C04", "C09"]),
        (["C04", "c09", "C04"], ["C04", "C09"]),
        ("", []),
        (" , ", []),
    ],
)
def test_typed_ids_parse_to_one_list_in_order_without_repeats(typed, ids):
    assert parse_concept_ids(typed) == ids


def test_the_catalogue_is_described_as_ranges():
    assert describe_ids(COURSE_CONCEPT_IDS) == "C01–C28"
    assert describe_ids(["C02", "C01", "W1"]) == "C01–C02, W1"


@pytest.mark.parametrize("value", [["C01", "W6", "E1", "PB2"], [], ["C28"]])
def test_known_ids_in_a_list_have_no_problem(value):
    assert concept_id_problem(value) is None
    validate_concept_ids(value)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (["C99"], f"C99 is not a concept of the course; {EVERY_TAG}"),
        (["c01"], f"c01 is not a concept of the course; {EVERY_TAG}"),
        (["C01", "C99", "X", "C99"], f"C99, X are not concepts of the course; {EVERY_TAG}"),
        ("C01", "Concepts are a list of ids such as C04 C09"),
        ([1], "Concepts are a list of ids such as C04 C09"),
        ({"C01": True}, "Concepts are a list of ids such as C04 C09"),
        (None, "Concepts are a list of ids such as C04 C09"),
    ],
)
def test_bad_values_are_refused_with_a_message_naming_the_problem(value, message):
    assert concept_id_problem(value).startswith(message)
    with pytest.raises(ValidationError) as refused:
        validate_concept_ids(value)
    assert refused.value.messages[0].startswith(message)


def test_quiz_ids_are_course_concepts_only():
    validate_course_concept_ids(["C01", "C28"])
    for tag in ("W1", "E1", "PB1"):
        assert tag in ALL_IDS
        with pytest.raises(ValidationError, match=f"{tag} is not a concept.*known: C01–C28\\.'"):
            validate_course_concept_ids([tag])


def test_the_validator_is_one_value_for_migrations():
    assert ConceptIdsValidator() == validate_concept_ids
    assert ConceptIdsValidator(course_only=True) == validate_course_concept_ids
    assert validate_concept_ids != validate_course_concept_ids
    assert validate_course_concept_ids.deconstruct() == (
        "core.concept_fields.ConceptIdsValidator",
        (),
        {"course_only": True},
    )


def test_the_model_field_deconstructs_to_its_scope_not_its_validator():
    field = ConceptIdsField("concepts", course_only=True, blank=True)
    _, path, args, kwargs = field.deconstruct()
    assert path == "core.concept_fields.ConceptIdsField"
    assert kwargs == {
        "verbose_name": "concepts",
        "course_only": True,
        "blank": True,
        "default": list,
    }
    rebuilt = ConceptIdsField(*args, **kwargs)
    assert rebuilt.validators == [validate_course_concept_ids]
    assert isinstance(rebuilt.formfield(), ConceptIdsFormField)


def test_the_form_field_takes_typed_ids_shows_them_back_and_refuses_unknown_ones():
    field = ConceptIdsFormField(course_only=True, required=False)
    assert field.clean("c04, C09 c04") == ["C04", "C09"]
    assert field.prepare_value(["C04", "C09"]) == "C04, C09"
    assert field.clean("") == []
    assert not field.has_changed(["C04", "C09"], "C04 C09")
    assert field.has_changed(["C04"], "C04 C09")
    with pytest.raises(ValidationError, match="W4 is not a concept of the course"):
        field.clean("C04 W4")
    with pytest.raises(ValidationError, match="required"):
        ConceptIdsFormField().clean(" ")
