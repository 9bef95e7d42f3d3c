"""Every page type in Chromium under the real Content Security Policy: no CSP violation, no console
error, and zero axe-core violations at WCAG 2.2 AA.

axe-core comes from the npm registry (package.json devDependencies) and is read from
node_modules by this test, never served by the site. It is evaluated through the DevTools
protocol, which the page's CSP does not govern, so the policy stays exactly as in production.
"""

import os
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from lessons.models import Lesson

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE_PATH = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
RECORD_CSP_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"}`);
});
"""
RUN_AXE = """async (tags) => {
  const results = await axe.run(document, {runOnly: {type: "tag", values: tags}});
  return results.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 4).map((node) => {
      const data = (node.any[0] && node.any[0].data) || {};
      const colours = data.contrastRatio
        ? ` (${data.fgColor} on ${data.bgColor}: ${data.contrastRatio})` : "";
      return node.target.join(" ") + colours;
    }),
  }));
}"""


@pytest.fixture(scope="module")
def axe_source():
    if not AXE_PATH.exists():
        message = f"axe-core is not installed at {AXE_PATH} (run make setup)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return AXE_PATH.read_text()


@pytest.fixture
def content(transactional_db):
    call_command("load_lessons", verbosity=0)
    call_command("load_questions", verbosity=0)


@pytest.fixture(params=["light", "dark"])
def watched_page(page, request):
    """The page, recording every CSP violation from the first script on, in the system's light
    and then dark colour mode (the site follows it: static/js/theme.js). Reduced motion turns
    Bootstrap's transitions off, so axe never measures a colour halfway through one."""
    page.emulate_media(reduced_motion="reduce", color_scheme=request.param)
    page.add_init_script(RECORD_CSP_VIOLATIONS)
    page.color_scheme = request.param
    return page


def csp_violations(page) -> list[str]:
    return page.evaluate("window.__cspViolations || []")


def axe_violations(page, axe_source) -> list[str]:
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source)
    found = page.evaluate(RUN_AXE, WCAG_22_AA)
    return [f"{v['id']} ({v['impact']}): {v['help']} at {v['nodes']}" for v in found]


def settle(page) -> None:
    """Wait for htmx's lazy loads (embeds, detail panels) to land."""
    page.wait_for_load_state("networkidle")
    expect(page.locator(".htmx-request")).to_have_count(0)


class Tour:
    """Visits pages, checking each state it reaches for CSP violations and axe findings."""

    def __init__(self, page, base_url, axe_source, console_errors, *, axe=True):
        self.page, self.base_url, self.axe_source = page, base_url, axe_source
        self.console_errors = console_errors
        self.axe = axe
        self.problems: list[str] = []
        self.checked: list[str] = []

    def visit(self, path: str, status: int = 200) -> None:
        response = self.page.goto(self.base_url + path)
        assert response is not None
        assert response.status == status, path
        if status >= 400:
            self.forgive(status)
        self.check(path)

    def forgive(self, status: int) -> None:
        """Chromium logs a 4xx response as a console error; forgive the one a step expects."""
        self.console_errors[:] = [e for e in self.console_errors if f"status of {status}" not in e]

    def check(self, label: str) -> None:
        settle(self.page)
        theme = self.page.evaluate("document.documentElement.getAttribute('data-bs-theme')")
        # (The admin has its own base template and colour scheme: no attribute there.)
        if theme is not None and theme != getattr(self.page, "color_scheme", theme):
            self.problems.append(f"{label}: shown in {theme} mode, the system asks for the other")
        self.checked.append(label)
        self.problems += [f"{label}: CSP {v}" for v in csp_violations(self.page)]
        if self.axe:
            self.problems += [
                f"{label}: axe {v}" for v in axe_violations(self.page, self.axe_source)
            ]

    def finish(self) -> None:
        self.problems += [f"console: {error}" for error in self.console_errors]
        assert not self.problems, "\n".join(self.problems)


@pytest.fixture
def tour(watched_page, live_server, axe_source, console_errors, content):
    return Tour(watched_page, live_server.url, axe_source, console_errors)


def test_site_pages_have_no_csp_or_accessibility_violations(tour):
    lesson = Lesson.objects.filter(published=True).select_related("module").order_by("pk")[1]
    for path in (
        "/",
        "/learn/",
        lesson.get_absolute_url(),
        "/learn/search/?q=liquidation",
        "/learn/search/?q=zzzz-no-match",
        "/learn/glossary/",
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password_reset/",
        "/admin/login/",
    ):
        tour.visit(path)
    tour.visit("/no-such-page/", status=404)
    tour.finish()


def test_a_lesson_with_an_embedded_simulator_card(tour):
    lesson = next(
        lesson
        for lesson in Lesson.objects.filter(published=True).select_related("module")
        if "```simulator" in lesson.body
    )
    tour.visit(lesson.get_absolute_url())
    expect(tour.page.locator(".sim-embed, [id^=simulator-embed]").first).to_be_attached()
    tour.page.get_by_role("button", name="Mark as complete").click()
    tour.check("lesson marked complete")
    tour.finish()


def test_the_simulator_with_results_and_every_lazily_loaded_panel(tour):
    page = tour.page
    tour.visit("/simulator/?preset=W4")
    expect(page.locator("#simulator-result .sim-summary")).to_be_visible()
    expect(page.locator("#simulator-details")).not_to_be_empty()
    page.locator("#id_pos-0-leverage").fill("20")
    tour.check("simulator recalculated")
    for panel in ("charts", "exchanges", "funding"):
        page.locator(f"#panel-{panel} > summary").click()
        expect(page.locator(f"#panel-{panel}-body .btn")).to_have_count(0)  # loaded in place
    page.locator("#x-A-liquidation_price > summary").click()
    page.locator("#x-A-liquidation_price .sim-formula > summary").click()
    expect(page.locator("#x-A-liquidation_price .sim-steps")).to_be_visible()
    tour.check("simulator panels and an explanation open")
    page.locator("#panel-replay > summary").click()
    page.locator("#panel-odds > summary").click()
    page.select_option("#id_event", "crash")
    page.get_by_role("button", name="Replay", exact=True).click()
    expect(page.locator("#simulator-replay")).to_contain_text("Sudden crash")
    tour.check("simulator replay")
    page.locator("#id_paths").fill("300")
    page.get_by_role("button", name="Run Monte Carlo").click()
    expect(page.locator("#simulator-monte-carlo")).to_contain_text("chance of a liquidation")
    tour.check("simulator Monte Carlo")
    page.get_by_label("Let me predict before I see the answers").check()
    expect(page.get_by_role("heading", name="Predict first")).to_be_visible()
    tour.check("simulator predict")
    page.get_by_label("Cross only").check()
    page.get_by_role("button", name="Reveal the answer").click()
    expect(page.locator(".sim-reveal")).to_be_visible()
    tour.check("simulator reveal")
    page.locator("#id_pos-0-leverage").fill("-5")
    expect(page.locator("#simulator-result")).to_contain_text("Check the highlighted input")
    tour.check("simulator invalid input")
    tour.finish()


def test_the_tools(tour):
    from tools.catalog import TOOLS

    tour.visit("/tools/")
    for slug in TOOLS:
        tour.visit(f"/tools/{slug}/")
    tour.finish()


def test_a_quiz_question_feedback_summary_and_progress(tour):
    page = tour.page
    tour.visit("/quiz/")
    page.get_by_role("button", name="Start").first.click()
    expect(page.locator(".quiz-prompt")).to_be_visible()
    tour.check("quiz question")
    page.get_by_role("button", name="Check answer").click()  # nothing picked: a message
    expect(page.locator(".quiz-question [role=alert], .invalid-feedback").first).to_be_visible()
    tour.forgive(422)
    tour.check("quiz question refused")
    if page.locator("input[name=choice]").count():
        page.locator("input[name=choice]").first.check()
    else:
        page.get_by_label("Your answer").fill("1")
    page.get_by_role("button", name="Check answer").click()
    expect(page.locator("#quiz-verdict")).to_be_visible()
    tour.check("quiz feedback")
    page.get_by_role("link", name="Next question").click()
    page.get_by_role("button", name="Finish now").click()
    expect(page.locator(".quiz-score")).to_be_visible()
    tour.check("quiz summary")
    tour.visit("/quiz/progress/")
    tour.finish()


def test_the_api_docs_page_runs_under_the_csp(watched_page, live_server, console_errors):
    """Swagger UI is third-party markup: checked for CSP violations and errors, not by axe."""
    tour = Tour(watched_page, live_server.url, "", console_errors, axe=False)
    tour.visit("/api/v1/docs")
    expect(watched_page.locator(".swagger-ui .opblock").first).to_be_visible()
    tour.check("API docs rendered")
    tour.finish()


def test_the_watch_sees_a_violation_when_there_is_one(watched_page, live_server, transactional_db):
    """The CSP check above cannot pass vacuously: an injected inline script is caught."""
    watched_page.goto(live_server.url + "/")
    watched_page.evaluate(
        """() => { const s = document.createElement("script");
                   s.textContent = "window.pwned = 1"; document.body.append(s); }"""
    )
    assert watched_page.evaluate("window.pwned") is None
    assert any("script-src" in v for v in csp_violations(watched_page))


def sign_in(page, base_url: str, username: str, password: str) -> None:
    page.goto(base_url + "/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_attached()


def test_progress_pages_for_a_learner_and_the_instructor_dashboard(
    tour, live_server, django_user_model
):
    from django.contrib.auth.models import Group

    from lessons.instructors import INSTRUCTORS_GROUP

    django_user_model.objects.create_user("ada", password="ada-pw-Zq81-margin")
    instructor = django_user_model.objects.create_user(
        "grace", password="grace-pw-Zq81-margin", is_staff=True
    )
    instructor.groups.add(Group.objects.get(name=INSTRUCTORS_GROUP))
    tour.visit("/me/")  # anonymous: the session's progress and an invitation to sign up
    sign_in(tour.page, live_server.url, "ada", "ada-pw-Zq81-margin")
    tour.visit("/me/")
    tour.visit("/me/delete/")
    tour.page.context.clear_cookies()
    sign_in(tour.page, live_server.url, "grace", "grace-pw-Zq81-margin")
    tour.visit("/me/instructor/")
    tour.visit("/admin/")
    tour.finish()
