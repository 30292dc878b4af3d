"""CAP tests call the same in-process HTTP application as the API tests."""

from tests.api.conftest import client, services

__all__ = ["client", "services"]
