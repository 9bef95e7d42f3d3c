"""django-stubs' mypy plugin, loadable by a bare `mypy` without a secret key in the environment.

The plugin imports academy.settings, which refuses to load without DJANGO_SECRET_KEY when
DJANGO_DEBUG is off; type checking never signs anything, so a throwaway key is enough.
A non-empty key already in the environment wins.
"""

import os

if not os.environ.get("DJANGO_SECRET_KEY"):  # unset or empty: settings would refuse both
    os.environ["DJANGO_SECRET_KEY"] = "mypy-only-key-never-used-to-sign"

from mypy_django_plugin.main import plugin  # noqa: E402

__all__ = ["plugin"]
