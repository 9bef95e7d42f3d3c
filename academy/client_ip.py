"""The client's address, for sign-in lockouts (django-axes) and rate limits alike."""

from django.conf import settings
from ipware import get_client_ip


def client_ip(request) -> str:
    """REMOTE_ADDR, or behind DJANGO_BEHIND_TLS_PROXY the address the trusted proxy put in
    X-Forwarded-For (see the settings: the same rule django-axes applies)."""
    address, _routable = get_client_ip(
        request,
        proxy_count=settings.AXES_IPWARE_PROXY_COUNT,
        request_header_order=settings.AXES_IPWARE_META_PRECEDENCE_ORDER,
    )
    return address or request.META.get("REMOTE_ADDR") or "unknown"
