"""Fixtures of the webhook tests: a real receiver on loopback and an endpoint registered for it."""

import pytest

from tests.webhooks.receiver import Receiver
from webhooks.models import Endpoint
from webhooks.services import endpoint_save


@pytest.fixture
def receiver():
    server = Receiver().start()
    yield server
    server.stop()


@pytest.fixture
def hook(db, receiver):
    """An endpoint for every kind, registered now (the log's history is not sent), its receiver holding its secret."""
    endpoint = endpoint_save(endpoint=Endpoint(name="App backend", url=receiver.url()))
    receiver.secret = endpoint.secret
    return endpoint
