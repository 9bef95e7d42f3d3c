import pytest
from playwright.sync_api import expect

from tests.accounts.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def course(transactional_db):
    from lessons.models import Course, Lesson, Module

    course = Course.objects.create(slug="margin", title="Margin")
    module = Module.objects.create(course=course, slug="basics", title="Basics", order=1)
    return [
        Lesson.objects.create(
            module=module, slug=slug, title=title, body="Some text.", order=order, published=True
        )
        for order, (slug, title) in enumerate(
            (("leverage", "Leverage"), ("isolated", "Isolated margin")), start=1
        )
    ]


def test_signing_up_mid_course_keeps_the_lesson_completed_anonymously(
    live_server, page, console_errors, course
):
    page.goto(live_server.url + course[0].get_absolute_url())
    page.get_by_role("button", name="Mark as complete").click()
    expect(page.get_by_role("status").filter(has_text="You completed this lesson")).to_be_visible()

    page.goto(live_server.url + "/me/")
    expect(page.locator("#course-completion")).to_have_text("1 of 2 lessons completed (50%).")
    page.get_by_role("link", name="Sign up to keep it").click()
    page.locator("#id_username").fill("newcomer")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()

    expect(page).to_have_url(live_server.url + "/me/")
    expect(page.get_by_text("Signed in as newcomer").first).to_be_visible()
    expect(page.locator("#course-completion")).to_have_text("1 of 2 lessons completed (50%).")
    expect(page.locator("#next-step-text")).to_have_text("Carry on with “Isolated margin”.")
    expect(page.get_by_role("link", name="Sign up to keep it")).to_have_count(0)

    page.goto(live_server.url + course[0].get_absolute_url())
    expect(page.get_by_role("button", name="Mark as not complete")).to_be_visible()
    assert console_errors == []
