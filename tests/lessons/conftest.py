import pytest
from django.contrib.auth.models import Group

from lessons.instructors import INSTRUCTORS_GROUP
from lessons.loading import load_course
from lessons.models import Course, GlossaryTerm, Lesson, Module


@pytest.fixture
def course(db):
    """The course that ships in lessons/content/."""
    load_course()
    return Course.objects.get()


@pytest.fixture
def module(db):
    course = Course.objects.create(slug="test-course", title="Test course")
    return Module.objects.create(course=course, slug="basics", title="Basics", order=1)


@pytest.fixture
def make_lesson(module):
    def make(slug="first", *, title=None, body="Some text.", published=True, order=1, **fields):
        return Lesson.objects.create(
            module=fields.pop("module", module),
            slug=slug,
            title=title or slug.replace("-", " ").title(),
            body=body,
            published=published,
            order=order,
            **fields,
        )

    return make


@pytest.fixture
def glossary_term(db):
    return GlossaryTerm.objects.create(
        slug="liquidation-price", term="Liquidation price", definition="Where it is closed."
    )


@pytest.fixture
def learner(django_user_model):
    return django_user_model.objects.create_user("learner", password="pw-learner-123")


@pytest.fixture
def instructor(django_user_model):
    user = django_user_model.objects.create_user(
        "instructor", password="pw-instructor-123", is_staff=True
    )
    user.groups.add(Group.objects.get(name=INSTRUCTORS_GROUP))
    return user
