from core.concepts import (
    ALL_IDS,
    CONCEPTS,
    ERRATA,
    PLAYBOOK_SETUPS,
    PRESET_TITLES,
    WORKED_EXAMPLES,
)


def test_the_concept_map_has_its_concepts_examples_errata_and_playbook_setups():
    assert list(CONCEPTS) == [f"C{n:02d}" for n in range(1, 29)]
    assert list(WORKED_EXAMPLES) == [f"W{n}" for n in range(1, 11)]
    assert list(ERRATA) == [f"E{n}" for n in range(1, 6)]
    assert list(PLAYBOOK_SETUPS) == [f"PB{n}" for n in range(1, 6)]
    assert len(ALL_IDS) == 48
    assert PRESET_TITLES == WORKED_EXAMPLES | PLAYBOOK_SETUPS


def test_every_concept_has_a_title_and_a_summary():
    for concept_id, concept in CONCEPTS.items():
        assert concept.id == concept_id
        assert concept.title
        assert concept.summary.endswith(".")
