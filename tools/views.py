"""The calculators' pages: one view for the list, one for every tool.

A tool page is a GET form: the query string is the calculation, so a URL can be shared.
htmx asks for the same URL while the learner types and gets only the results fragment (with the
field errors swapped out of band); a plain request gets the whole page.
"""

from urllib.parse import urlencode

from django.http import Http404
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_safe

from core.links import setup_url
from margin import MarginError
from tools.catalog import TOOLS
from tools.results import SimulatorSetup, ToolInputError, plain_number


@require_safe
def index(request):
    return render(request, "tools/index.html", {"tools": TOOLS.values()})


@require_safe
def tool_page(request, slug: str):
    tool = TOOLS.get(slug)
    if tool is None:
        raise Http404("No such calculator.")
    # A first visit (or a link with only unrelated parameters) shows the worked example.
    asked = any(name in request.GET for name in tool.form_class.base_fields)
    form = tool.form_class(request.GET if asked else tool.example)
    result = None
    if form.is_valid():
        try:
            result = tool.calculate(form)
        except (MarginError, ToolInputError) as error:
            form.add_engine_error(error)
    partial = request.htmx and not request.htmx.history_restore_request
    context = {
        "tool": tool,
        "form": form,
        "result": result,
        "share_query": request.GET.urlencode() if asked else urlencode(tool.example),
        "simulator_url": simulator_link(result.setup) if result and result.setup else "",
    }
    template = "tools/_response.html" if partial else "tools/tool.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def simulator_link(setup: SimulatorSetup) -> str:
    """The simulator page with this calculator's position in its query string."""
    return setup_url(
        wallet_balance=plain_number(setup.wallet_balance),
        venue=setup.venue,
        positions=[
            {
                "symbol": position.symbol,
                "side": position.side,
                "margin_mode": position.margin_mode,
                "entry_price": plain_number(position.entry_price),
                "size": plain_number(position.notional),
                "leverage": plain_number(position.leverage),
                "isolated_margin": plain_number(position.isolated_margin),
            }
            for position in setup.positions
        ],
    )
