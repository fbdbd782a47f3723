"""Responses match the published OpenAPI schema; schemathesis finds no server error."""

import jsonschema
import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from faq.services import question_save
from tests.factories import QuestionItemFactory, build_story
from topics.services import topic_save

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def openapi() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def _strict(node):
    """OpenAPI 3.0 schema objects as JSON Schema: ``nullable`` becomes a null type, and
    objects list all their properties (an undocumented field is an error)."""
    if isinstance(node, list):
        return [_strict(n) for n in node]
    if not isinstance(node, dict):
        return node
    node = {k: _strict(v) for k, v in node.items()}
    if "properties" in node and "additionalProperties" not in node:
        node["additionalProperties"] = False
    if "oneOf" in node:
        # drf-spectacular writes a blank-able URL as oneOf(uri, empty string); formats are
        # not checked here, so '' would match both branches.
        node["anyOf"] = node.pop("oneOf")
    if node.pop("nullable", False):
        return {"anyOf": [node, {"type": "null"}]}
    return node


def validate(openapi: dict, path: str, response, status: int = 200) -> None:
    operation = openapi["paths"][path]["get"]["responses"][str(status)]
    schema = operation["content"]["application/json"]["schema"]
    root = _strict({**schema, "components": openapi["components"]})
    jsonschema.Draft202012Validator(root).validate(response.json())


@pytest.fixture
def content(demo, settings):
    settings.API_THROTTLE_ANON = ""
    topic = topic_save(topic=demo.live_topics.first())
    question = question_save(question=demo.live_questions.first())
    QuestionItemFactory(common_question=question)
    build_story(blocks=3, citations=2, topics=2, questions=1)
    return {"story": demo, "topic": topic, "question": question, "outlet": demo.live_outlets.first()}


def test_every_endpoint_matches_the_schema(client, openapi, content):
    story, topic, question, outlet = content["story"], content["topic"], content["question"], content["outlet"]
    cases = [
        ("/api/v1/stories/", "/api/v1/stories/"),
        ("/api/v1/stories/{slug}/", f"/api/v1/stories/{story.live_slug}/"),
        ("/api/v1/stories/{slug}/ninjs/", f"/api/v1/stories/{story.live_slug}/ninjs/"),
        ("/api/v1/topics/", "/api/v1/topics/"),
        ("/api/v1/topics/{slug}/", f"/api/v1/topics/{topic.slug}/"),
        ("/api/v1/questions/", "/api/v1/questions/"),
        ("/api/v1/questions/{slug}/", f"/api/v1/questions/{question.slug}/"),
        ("/api/v1/outlets/", "/api/v1/outlets/"),
        ("/api/v1/outlets/{slug}/", f"/api/v1/outlets/{outlet.slug}/"),
        ("/api/v1/sync/", "/api/v1/sync/?since=0"),
    ]
    for path, url in cases:
        response = client.get(url)
        assert response.status_code == 200, url
        validate(openapi, path, response)
    validate(openapi, "/api/v1/stories/", client.get("/api/v1/stories/?ordering=nope"), status=400)
    validate(openapi, "/api/v1/stories/{slug}/", client.get("/api/v1/stories/nope/"), status=404)
    # A sparse list is partial, as its parameter says: exactly the fields asked for, and the slug.
    sparse = client.get("/api/v1/stories/?fields=headline&page_size=1").json()["results"]
    assert sparse and set(sparse[0]) == {"slug", "headline"}


def test_the_contract_reads_well_to_a_generator_and_to_app_developers(openapi):
    schemas = openapi["components"]["schemas"]
    # Complete list items: every field required, so a generated client types them fully.
    assert set(schemas["StoryListItem"]["required"]) == set(schemas["StoryListItem"]["properties"])
    assert set(schemas["TopicListItem"]["required"]) == set(schemas["TopicListItem"]["properties"])
    # A public, read-only API: no authentication scheme to puzzle over.
    assert "securitySchemes" not in openapi["components"]
    assert not any("security" in op for ops in openapi["paths"].values() for op in ops.values())
    # Named ordering values: PUBLISHED_DESC in a generated client, not VALUE_1.
    ordering = next(p for p in openapi["paths"]["/api/v1/stories/"]["get"]["parameters"] if p["name"] == "ordering")
    names = dict(zip(ordering["schema"]["items"]["enum"], ordering["schema"]["items"]["x-enum-varnames"], strict=True))
    assert names["-published"] == "published_desc" and names["headline"] == "headline"
    # Descriptions written for app developers, not our internals.
    texts = [c.get("description", "") for c in schemas.values()] + [
        op.get("description", "") for ops in openapi["paths"].values() for op in ops.values()
    ]
    for internal in ("``", "serializer", "live_", "queryset", "subclasses", "represent()"):
        assert not [t for t in texts if internal in t], internal
    assert all(op.get("description") for ops in openapi["paths"].values() for op in ops.values())


# --- schemathesis: generated requests against the served schema, in-process -----------


@pytest.fixture
def api_schema(content):
    # A WSGI handler closes "old" connections around each request, which would
    # end the test's transaction; the test client does the same as here.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", WSGIHandler())
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def test_generated_requests_get_no_server_error(api_schema, content):
    """Valid and invalid requests for every operation, some on real slugs: never a 5xx, always as documented.

    Driven through Hypothesis directly (schemathesis's lazy pytest loader does not run on pytest 9).
    """
    real_slugs = {
        "stories": content["story"].live_slug,
        "topics": content["topic"].slug,
        "questions": content["question"].slug,
        "outlets": content["outlet"].slug,
    }
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) == 10
    for operation in operations:
        strategies = [operation.as_strategy(mode) for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)]
        if "{slug}" in operation.path:
            slug = real_slugs[operation.path.split("/")[3]]
            strategies.append(operation.as_strategy(path_parameters={"slug": slug}))
        for strategy in strategies:

            @given(case=strategy)
            @hypothesis_settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), database=None)
            def run(case):
                # A sparse list is partial by its documented contract (the parameter says so): every check but
                # the item type's required fields, which test_every_endpoint_matches_the_schema covers. Its WSGI
                # transport sends requests' default Accept-Encoding (gzip) but never decodes the body; the codings
                # themselves are tested in test_encoding.py.
                sparse = bool((case.query or {}).get("fields"))
                checks = [c for c in CHECKS if not (sparse and c is response_schema_conformance)]
                case.call_and_validate(checks=checks, headers={"Accept-Encoding": "identity"})

            run()
