from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse


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


def navigation(request):
    items = []
    for section in SECTIONS:
        try:
            url = reverse(section.url_name)
        except NoReverseMatch:
            continue
        items.append(
            {
                "label": section.label,
                "url": url,
                "blurb": section.blurb,
                "active": request.path.startswith(url),
            }
        )
    return {"nav_items": items}
