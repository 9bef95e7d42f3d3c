import json

import pytest


@pytest.fixture
def post_json(client):
    """POST a JSON body (or raw text) to the API and return the response."""

    def post(path: str, body: object, *, raw: bool = False):
        data = body if raw else json.dumps(body)
        return client.post(path, data=data, content_type="application/json")

    return post
