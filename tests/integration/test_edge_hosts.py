"""The edge in front of several web hosts (deploy/edge.py: a round-robin director, each host probed): with one
host down, readers still get fresh pages after a publish, from the other, with no error."""

import time
from urllib.parse import urlsplit

import pytest

from deploy.edge import Varnish, get, varnishd_path
from stories.workflow import story_publish
from tests.conftest import service_missing
from tests.factories import build_story

from .relay import Relay

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def two_hosts(live_server, settings):
    if varnishd_path() is None:
        service_missing("varnishd is not installed (apt-get install varnish varnish-modules)")
    parts = urlsplit(live_server.url)
    hosts = [Relay((parts.hostname, parts.port)).up() for _ in range(2)]  # two addresses, as two machines
    edge = Varnish(backend=[f"127.0.0.1:{h.port}" for h in hosts], memory="32m")
    try:
        edge.start()
    except (OSError, RuntimeError) as exc:
        edge.stop()
        service_missing(f"varnishd did not start: {exc}")
    settings.EDGE_PURGE_URLS = [edge.url + "/"]
    settings.PUBLIC_PAGE_CACHE = True
    edge.wait_health(True)
    yield edge, hosts
    edge.stop()
    for host in hosts:
        host.down()


def test_both_hosts_are_in_the_edge_and_one_down_is_left_out(two_hosts):
    edge, hosts = two_hosts
    listing = edge.adm("backend.list")
    assert listing.count("web0") == 1 and listing.count("web1") == 1
    story = build_story(headline="First version")
    path = story.get_absolute_url()
    assert b"First version" in get(edge.url + path)[2]
    hosts[0].down()
    edge.wait_health(False)  # the probe found the first host down
    story.headline = "Second version"
    story.save()
    story_publish(story=story, actor=None)  # purges the edge after commit
    answers = []
    for _ in range(6):  # in turn, the director skips the sick host: every answer fresh, none an error
        status, head, body = get(edge.url + path)
        answers.append((status, b"Second version" in body, head.get("x-cache")))
        time.sleep(0.05)
    assert all(status == 200 and fresh for status, fresh, _ in answers), answers
    assert answers[0][2] == "miss" and answers[-1][2] == "hit"
