"""The JSON API at /api/v1/ (django-ninja): the margin engine for programs, with 422 field paths."""
