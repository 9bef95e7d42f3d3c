from lessons.links import concept_lesson_url


def test_a_concepts_lesson_has_a_fixed_url():
    assert concept_lesson_url("C07") == "/learn/concepts/C07/"
