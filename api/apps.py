from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "JSON API"

    def ready(self) -> None:
        # The recorded-event endpoints register themselves on the engine API; importing them
        # here, before the URLconf is built, puts them in /api/v1/ and its OpenAPI schema.
        from api import events  # noqa: F401
