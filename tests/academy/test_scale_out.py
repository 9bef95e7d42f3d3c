"""The shared-state configuration: with REDIS_URL set (CI's PostgreSQL pass starts a Redis server),
cache and sessions go through Redis so several app servers can sit behind one load balancer."""

import os

import pytest
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse

needs_redis = pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL not set")


@needs_redis
def test_the_cache_is_redis_and_round_trips_a_value():
    assert settings.CACHES["default"]["BACKEND"].endswith("RedisCache")
    cache.set("scale-out-check", {"value": 42}, timeout=30)
    assert cache.get("scale-out-check") == {"value": 42}
    cache.delete("scale-out-check")


@needs_redis
@pytest.mark.django_db
def test_sessions_are_cached_in_redis_and_kept_in_the_database(client):
    from django.contrib.sessions.models import Session

    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.cached_db"
    session = client.session
    session["probe"] = "kept"
    session.save()
    assert cache.get(f"django.contrib.sessions.cached_db{session.session_key}") is not None
    assert Session.objects.filter(session_key=session.session_key).exists()
    assert client.get(reverse("home")).status_code == 200


def test_without_redis_each_process_uses_a_local_cache():
    if os.environ.get("REDIS_URL"):
        pytest.skip("REDIS_URL is set")
    assert settings.CACHES["default"]["BACKEND"].endswith("LocMemCache")
