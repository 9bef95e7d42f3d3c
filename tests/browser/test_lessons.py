import re

import pytest
from django.urls import NoReverseMatch, reverse
from playwright.sync_api import expect

from lessons.loading import load_course
from lessons.models import Lesson

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMBED_STUB = '<p class="embedded-simulator-stub">Simulator W6 loaded</p>'


@pytest.fixture
def course_loaded():
    load_course()


@pytest.fixture
def simulator_embed(page):
    """Until the simulator app serves its embed URL, answer it with a stub fragment."""
    try:
        reverse("simulator:embed", kwargs={"preset": "W6"})
    except NoReverseMatch:
        page.route(
            re.compile(r".*/simulator/embed/W\d+/$"),
            lambda route: route.fulfill(status=200, content_type="text/html", body=EMBED_STUB),
        )
        return "stub"
    return "real"


def test_read_a_lesson_mark_it_complete_and_follow_next(
    live_server, page, console_errors, course_loaded, simulator_embed
):
    page.goto(live_server.url + "/learn/")
    page.get_by_role("link", name="The liquidation price, to the cent").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The liquidation price, to the cent")
    expect(page.locator(".lesson-body")).to_contain_text("$58,793.97")

    # A glossary term jumps to its definition, which is on the page (not a hover tooltip).
    page.locator(".lesson-body a.glossary-term", has_text="bankruptcy price").first.click()
    expect(page).to_have_url(re.compile(r"#term-bankruptcy-price$"))
    expect(page.locator("#term-bankruptcy-price-definition")).to_be_visible()

    page.get_by_role("button", name="Mark as complete").click()
    expect(page.locator("#lesson-completion")).to_contain_text("You completed this lesson.")
    expect(page.get_by_role("button", name="Mark as not complete")).to_be_focused()
    assert page.url.endswith("#term-bankruptcy-price")  # htmx swapped; no page load

    page.get_by_role("link", name=re.compile("Next")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Leverage narrows the buffer")
    expect(page.locator(".module-lessons")).to_contain_text("(completed)")

    page.goto(live_server.url + "/learn/")
    total = Lesson.objects.published().count()
    expect(page.locator("label[for=course-progress]")).to_contain_text(f"completed 1 of {total}")
    assert console_errors == []


def test_the_embedded_simulator_loads_and_keeps_a_fallback_link(
    live_server, page, console_errors, course_loaded, simulator_embed
):
    page.goto(live_server.url + "/learn/liquidation/liquidation-price/")
    block = page.locator("figure.simulator-block[data-preset=W6]")
    full_simulator = block.get_by_role("link", name="Open this example in the full simulator")
    expect(full_simulator).to_have_attribute("href", "/simulator/?preset=W6")
    if simulator_embed == "stub":
        expect(block.locator(".embedded-simulator-stub")).to_have_text("Simulator W6 loaded")
    else:
        expect(block.locator(".simulator-embed")).not_to_contain_text("use the link below")
    assert console_errors == []


def test_without_javascript_the_lesson_still_reads_and_completes(
    browser, live_server, course_loaded
):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/learn/isolated-margin/margin-top-up/")
    expect(page.locator(".lesson-body")).to_contain_text("$53,216.08")
    page.get_by_role("button", name="Mark as complete").click()
    expect(page.locator("#lesson-completion")).to_contain_text("You completed this lesson.")
    context.close()


def test_search_finds_a_lesson(live_server, page, console_errors, course_loaded):
    page.goto(live_server.url + "/learn/")
    page.get_by_role("searchbox", name="Search lessons and glossary").fill("insurance fund")
    page.get_by_role("button", name="Search").click()
    expect(
        page.get_by_role("link", name="Insurance fund, socialized losses and ADL")
    ).to_be_visible()
    assert console_errors == []


def test_instructor_previews_unsaved_markdown_in_the_admin(
    live_server, page, console_errors, course_loaded, django_user_model
):
    from django.contrib.auth.models import Group

    from lessons.models import Lesson

    user = django_user_model.objects.create_user(
        "teacher", password="pw-teach-12345", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Instructors"))
    lesson = Lesson.objects.get(slug="gap-risk")
    failed_requests = []
    page.on("requestfailed", lambda request: failed_requests.append(request.url))
    page.on(
        "response",
        lambda response: (
            failed_requests.append(response.url)
            if response.status >= 400 and not response.url.endswith("/favicon.ico")
            else None
        ),
    )
    page.goto(live_server.url + f"/admin/lessons/lesson/{lesson.pk}/change/")
    page.get_by_label("Username").fill("teacher")
    page.get_by_label("Password").fill("pw-teach-12345")
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#lesson-preview")).to_contain_text("$1,076.92")

    page.locator("#id_body").fill("## Draft heading\n\nNew **bold** text.\n\n```simulator W99\n```")
    page.get_by_role("button", name="Preview without saving").click()
    expect(page.locator("#lesson-preview strong", has_text="bold")).to_be_visible()
    expect(page.locator("#lesson-preview")).to_contain_text("Unknown simulator preset “W99”")
    lesson.refresh_from_db()
    assert "Draft heading" not in lesson.body
    # The admin's own pages ask for /favicon.ico, which only the site layout points elsewhere.
    assert [error for error in console_errors if "404" not in error] == []
    assert failed_requests == []
