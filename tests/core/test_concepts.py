from core.concepts import (
    ALL_IDS,
    CONCEPTS,
    ERRATA,
    WORKED_EXAMPLES,
)


def test_the_concept_map_has_twenty_eight_concepts_ten_examples_and_five_errata():
    assert list(CONCEPTS) == [f"C{n:02d}" for n in range(1, 29)]
    assert list(WORKED_EXAMPLES) == [f"W{n}" for n in range(1, 11)]
    assert list(ERRATA) == [f"E{n}" for n in range(1, 6)]
    assert len(ALL_IDS) == 43


def test_every_concept_has_a_title_and_a_summary():
    for concept_id, concept in CONCEPTS.items():
        assert concept.id == concept_id
        assert concept.title
        assert concept.summary.endswith(".")
