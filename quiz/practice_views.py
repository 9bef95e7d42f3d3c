"""The practice block's answer endpoint: htmx gets the answered item back; a plain post goes
back to the lesson page at the item, which shows the result (see quiz.practice)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from quiz.practice import (
    STALE_ITEM,
    PracticeError,
    practice_answer,
    practice_flash_store,
    practice_item_from_token,
)


def _page(request) -> str:
    page = request.POST.get("page", "")
    if page.startswith("/") and url_has_allowed_host_and_scheme(
        page, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return page
    return "/learn/"


@require_POST
def practice_answer_view(request):
    page = _page(request)
    item = practice_item_from_token(request.POST.get("token", ""))
    if item is None:
        if request.htmx:
            response = render(request, "quiz/_practice_stale.html", {"page": page}, status=409)
        else:
            messages.warning(request, STALE_ITEM)
            response = redirect(f"{page}#practice")
        patch_vary_headers(response, ["HX-Request"])
        return response
    status = 200
    try:
        practice_answer(request=request, item=item)
    except PracticeError as error:
        item.error, status = str(error), 422
    if request.htmx:
        context = {"item": item, "block": request.POST.get("block", ""), "page": page}
        template = "quiz/_action_item.html" if item.is_action else "quiz/_practice_item.html"
        response = render(request, template, context, status=status)
    else:
        practice_flash_store(
            request.session,
            page=page,
            block=request.POST.get("block", ""),
            slot=item.slot,
            data=request.POST,
        )
        response = redirect(f"{page}#{item.dom_id}")
    patch_vary_headers(response, ["HX-Request"])
    return response
