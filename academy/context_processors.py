from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.urls import NoReverseMatch, get_urlconf, reverse

from core import first_visits


@dataclass(frozen=True)
class Section:
    label: str
    url_name: str
    blurb: str


# The site's parts, in navigation order. A part whose URLs are not installed yet is left out
# rather than shown as a dead link.
SECTIONS = (
    Section(
        "Learn",
        "lessons:index",
        "Short, numeric lessons on margin, leverage, liquidation and the two margin modes.",
    ),
    Section(
        "Simulator",
        "simulator:index",
        "Open positions and shock prices: see isolated and cross margin side by side, "
        "computed by a real margin engine.",
    ),
    Section(
        "Tools",
        "tools:index",
        "The calculators every exchange offers (PnL, liquidation price, position size), "
        "with their workings shown.",
    ),
    Section(
        "Quiz",
        "quiz:index",
        "Prove what you learned, including questions whose numbers the engine draws for you.",
    ),
)


@lru_cache(maxsize=8)
def _installed_sections(urlconf) -> tuple[tuple[Section, str], ...]:
    """The sections whose URLs resolve, with their URLs: constant for a URLconf, so reversed
    once per process rather than on every page."""
    installed = []
    for section in SECTIONS:
        try:
            installed.append((section, reverse(section.url_name, urlconf=urlconf)))
        except NoReverseMatch:
            continue
    return tuple(installed)


def navigation(request):
    items = [
        {
            "label": section.label,
            "url": url,
            "blurb": section.blurb,
            "active": request.path.startswith(url),
        }
        for section, url in _installed_sections(get_urlconf() or settings.ROOT_URLCONF)
    ]
    return {"nav_items": items}


def csrf_hole(request):
    """A placeholder for the CSRF token in a page cached for every first-time visitor
    (core.first_visits); it overrides Django's own ``csrf_token``, which comes earlier."""
    hole = getattr(request, first_visits.REQUEST_FLAG, None)
    if hole:
        return {"csrf_token": hole}
    return {}
