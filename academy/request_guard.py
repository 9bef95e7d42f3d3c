"""Refuses request bodies the site never needs, before anything parses them.

Runs before ``FormParsingMiddleware`` and the CSRF check (which is the first to read
``request.POST``), so a refusal is an ordinary page that passes back through the security
middleware (CSP, nosniff, frame options), never an exception that escapes Django:

* a body larger than ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (``UPLOAD_MAX_BYTES`` on the admin's import
  views) is answered 413 from its ``Content-Length``, unread. Django's own limit counts only
  the non-file parts of a multipart body, so without this a 300 MiB "file" sent to any form URL
  was read and written to the temp directory;
* a file part anywhere but the import views is refused (400) as soon as the parser meets it;
* a form body that declares a charset other than UTF-8 is answered 400. Django raises
  ``BadRequest`` for it inside the CSRF check, and its error views, which run the same check,
  raise again: the request escaped as a bare 500 without security headers.
"""

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.urls import Resolver404, resolve

FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"
MULTIPART_CONTENT_TYPE = "multipart/form-data"
API_NAMESPACE = "api-v1"

TOO_LARGE = "This request is larger than the site accepts."
FILE_TOO_LARGE = "This file is larger than the {limit} MB the site accepts; send a smaller one."
NOT_UTF8 = "Forms must be sent as UTF-8; this one declared another character set."
NO_FILES_HERE = "This page does not accept file uploads."


class UploadRefused(MultiPartParserError):
    """A file part in a request to a view that takes no files. Django answers a parse error
    with its 400 page after marking the body unreadable, so its error view does not parse the
    body again."""


class RefuseFileUploads(FileUploadHandler):
    """The only upload handler outside the import views: the first file part ends the parse."""

    def new_file(self, *args, **kwargs):
        raise UploadRefused(NO_FILES_HERE)

    def receive_data_chunk(self, raw_data, start):  # pragma: no cover - new_file raised
        return None

    def file_complete(self, file_size):  # pragma: no cover - new_file raised
        return None


def _route(request) -> tuple[bool, bool]:
    """(takes uploads, is the JSON API) for the request's URL."""
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False, False
    return match.view_name in settings.UPLOAD_VIEWS, API_NAMESPACE in match.namespaces


def _declared_length(request) -> int:
    try:
        return max(0, int(request.META.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0  # Django reads such a body as empty


def refusal(request, message: str, status: int):
    return render(request, "400.html", {"message": message}, status=status)


class RequestGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        length = _declared_length(request)
        content_type = request.content_type
        if length or content_type == MULTIPART_CONTENT_TYPE:
            uploads_allowed, is_api = _route(request)
            limit = (
                settings.UPLOAD_MAX_BYTES
                if uploads_allowed
                else settings.DATA_UPLOAD_MAX_MEMORY_SIZE
            )
            # The API reads its body only through Django's size check and answers 413 in JSON.
            if limit is not None and length > limit and not is_api:
                message = (
                    FILE_TOO_LARGE.format(limit=limit // 1_048_576)
                    if uploads_allowed
                    else TOO_LARGE
                )
                return refusal(request, message, 413)
            if content_type == MULTIPART_CONTENT_TYPE and not uploads_allowed:
                request.upload_handlers = [RefuseFileUploads(request)]
        if (
            content_type == FORM_CONTENT_TYPE
            and request.encoding
            and request.encoding.lower().replace("_", "-") not in ("utf-8", "utf8")
        ):
            return refusal(request, NOT_UTF8, 400)
        return self.get_response(request)
