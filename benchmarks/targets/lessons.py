"""The reading pages under wrk: a lesson as a first-time visitor gets it (the first-visit cache),
and, signed in as the demo learner, the learn index, the same lesson and the progress page."""

from benchmarks import workload
from benchmarks.target import Target

DEMO_LEARNER = ("learner", "learn-margin-2026")  # seed --demo-accounts
SIGNED_IN = "Sign out"  # in the navigation bar of every page a signed-in learner gets


def signed_in(Browser, base_url):
    """A browser signed in as the demo learner, through the login form."""
    browser = Browser(base_url)
    browser.get("/accounts/login/")
    username, password = DEMO_LEARNER
    status, text = browser.post(
        "/accounts/login/",
        f"username={username}&password={password}&csrfmiddlewaretoken={browser.cookie('csrftoken')}",
        {
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": base_url + "/accounts/login/",
        },
    )
    if status != 200 or "sessionid" not in browser.cookie_header():
        raise RuntimeError(f"signing in as the demo learner answered {status}")
    return browser


def targets(Browser, base_url, env):
    lesson = workload.lesson_path()
    learner = {"Cookie": signed_in(Browser, base_url).cookie_header()}
    return [
        Target("lesson page, first visit (cached page)", lesson, expect="<article"),
        Target("learn index, signed in", workload.LEARN_INDEX, headers=learner, expect=SIGNED_IN),
        Target("lesson page, signed in", lesson, headers=learner, expect=SIGNED_IN),
        Target(
            "progress page /me/, signed in",
            workload.PROGRESS,
            headers=learner,
            expect="My progress",
        ),
    ]
