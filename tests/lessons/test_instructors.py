import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from lessons.instructors import INSTRUCTORS_GROUP, grant_instructor_permissions

pytestmark = pytest.mark.django_db


def group_codenames():
    return set(
        Group.objects.get(name=INSTRUCTORS_GROUP).permissions.values_list("codename", flat=True)
    )


def test_the_migration_creates_the_instructors_group_with_content_permissions_only():
    codenames = group_codenames()
    for model in ("course", "module", "lesson", "glossaryterm"):
        for action in ("add", "change", "delete", "view"):
            assert f"{action}_{model}" in codenames
    assert not {"add_user", "change_user", "change_group", "view_user"} & codenames
    assert "view_lessoncompletion" not in codenames  # learners' data, not content


def test_quiz_content_permissions_are_granted_but_not_learner_data():
    # get_or_create: once the quiz app has models, these content types and permissions exist.
    question, _ = ContentType.objects.get_or_create(app_label="quiz", model="question")
    attempt, _ = ContentType.objects.get_or_create(app_label="quiz", model="attempt")
    Permission.objects.get_or_create(codename="change_question", content_type=question)
    Permission.objects.get_or_create(codename="change_attempt", content_type=attempt)
    grant_instructor_permissions()
    codenames = group_codenames()
    assert "change_question" in codenames
    assert "change_attempt" not in codenames


@pytest.mark.parametrize(
    ("url_name", "expected"),
    [
        ("admin:lessons_lesson_changelist", 200),
        ("admin:lessons_glossaryterm_changelist", 200),
        ("admin:lessons_module_changelist", 200),
        ("admin:auth_user_changelist", 403),
        ("admin:auth_group_changelist", 403),
        ("admin:lessons_lessoncompletion_changelist", 403),
    ],
)
def test_instructors_edit_content_and_nothing_else(client, instructor, url_name, expected):
    client.force_login(instructor)
    assert client.get(reverse(url_name)).status_code == expected


def test_learners_and_anonymous_visitors_cannot_reach_the_admin(client, learner):
    url = reverse("admin:lessons_lesson_changelist")
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(learner)
    response = client.get(url)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
