import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Staff users are created in most tests; the production hasher would dominate their run time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_throttles():
    """Receipt lookups are throttled in the cache (Redis when set): start every test with a clean count."""
    cache.clear()
    yield
