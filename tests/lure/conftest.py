"""The service fixtures (a real app on a temp store, keys of each role) for the lure API tests."""

from tests.service.conftest import client, config, keys  # noqa: F401
