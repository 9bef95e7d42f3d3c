"""quiz 0005: concept ids stored as "C04 C09" become ["C04", "C09"], and back, no row lost."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("quiz", "0004_preset_titles")]
AFTER = [("quiz", "0005_concept_ids_as_lists")]

pytestmark = pytest.mark.django_db(transaction=True)


def migrate(targets):
    """Migrate to `targets`; return the app registry as it is there."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


@pytest.fixture
def at_0004():
    apps = migrate(BEFORE)
    yield apps
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def rows(apps, model_name):
    model = apps.get_model("quiz", model_name)
    return dict(model.objects.order_by("pk").values_list("pk", "concept_ids"))


def test_text_ids_become_lists_and_lists_become_text_again(at_0004):
    question = at_0004.get_model("quiz", "Question")
    quiz = at_0004.get_model("quiz", "Quiz")
    practice = at_0004.get_model("quiz", "PracticeAnswer")
    for slug, ids in (("two", "C04 C09"), ("commas", "c05, C06,C05"), ("old-id", "C99")):
        question.objects.create(slug=slug, prompt="?", explanation=".", concept_ids=ids)
    every = " ".join(f"C{n:02d}" for n in range(1, 29))  # as long as a list can get
    quiz.objects.create(slug="all", title="All", concept_ids="")
    quiz.objects.create(slug="module", title="Module", concept_ids=every)
    practice.objects.create(learner_key="k", item="action:x", concept_ids="C07", is_correct=True)

    after = migrate(AFTER)
    assert sorted(rows(after, "Question").values()) == [["C04", "C09"], ["C05", "C06"], ["C99"]]
    assert sorted(rows(after, "Quiz").values()) == [[], every.split()]
    assert list(rows(after, "PracticeAnswer").values()) == [["C07"]]
    # Stored as JSON: the database itself can look inside the list.
    assert after.get_model("quiz", "Question").objects.filter(concept_ids__0="C05").count() == 1

    before = migrate(BEFORE)
    assert sorted(rows(before, "Question").values()) == ["C04 C09", "C05 C06", "C99"]
    assert sorted(rows(before, "Quiz").values()) == ["", every]
    assert list(rows(before, "PracticeAnswer").values()) == ["C07"]
