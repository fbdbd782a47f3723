"""Media on S3-compatible object storage (django-storages), against a real S3-protocol server: moto's standalone
server, started here as its own process on a local port. Masters and renditions go to the bucket under their
content-hashed names with a cache-forever header, pages name them at the store's address, and a browser (an
HTTP client here) fetches them from there."""

import json
import socket
import subprocess
import sys
import time

import boto3
import httpx
import pytest
from django.core.files.storage import default_storage
from PIL import Image as PILImage

from images.ingest import image_ingest
from stories.models import Story
from stories.workflow import story_publish
from tests.factories import build_story
from tests.images.test_ingest import encode, upload

pytestmark = pytest.mark.django_db
KEYS = {"access_key": "newsroom-test", "secret_key": "newsroom-test-secret"}


@pytest.fixture(scope="module")
def s3_endpoint():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    endpoint = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                httpx.get(endpoint, timeout=0.5)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            raise RuntimeError("moto's S3 server did not start")
        yield endpoint
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def bucket(s3_endpoint, settings):
    name = f"media-{time.monotonic_ns()}"
    client = boto3.client(
        "s3", endpoint_url=s3_endpoint, region_name="us-east-1",
        aws_access_key_id=KEYS["access_key"], aws_secret_access_key=KEYS["secret_key"],
    )  # fmt: skip
    client.create_bucket(Bucket=name)
    # Pictures are public, as a deploy makes them (bucket policy, or a CDN in front): anyone may read an object.
    policy = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{name}/*"}]}  # fmt: skip
    client.put_bucket_policy(Bucket=name, Policy=json.dumps(policy))
    options = settings.MEDIA_S3_OPTIONS | {"bucket_name": name, "endpoint_url": s3_endpoint, "region_name": "us-east-1",
                                           "url_protocol": "http:", **KEYS}  # fmt: skip
    settings.STORAGES = settings.STORAGES | {"default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}}
    return client, name


def test_masters_and_renditions_live_in_the_bucket_and_pages_name_them_there(client, bucket, s3_endpoint, commit):
    s3, name = bucket
    with commit():
        image = image_ingest(upload=upload(encode(PILImage.new("RGB", (1600, 1000), "navy"), "PNG"), "harbour.png"))
    assert type(default_storage._wrapped).__name__ == "S3Storage"
    keys = {o["Key"] for o in s3.list_objects_v2(Bucket=name)["Contents"]}
    assert image.file.name in keys
    assert {r.file.name for r in image.renditions.all()} <= keys and len(keys) == 1 + image.renditions.count()
    head = s3.head_object(Bucket=name, Key=image.renditions.get(spec="16x9-1280.webp").file.name)
    assert head["CacheControl"] == "public, max-age=31536000, immutable" and head["ContentType"] == "image/webp"

    image.alt_text, image.credit = "Boats", "AP"
    image.save()
    story = build_story(publish=False)
    Story.objects.filter(pk=story.pk).update(lead_image=image)
    with commit():
        story = story_publish(story=Story.objects.get(pk=story.pk), actor=None)
    html = client.get(story.get_absolute_url()).content.decode()
    rendition_url = image.renditions.get(spec="16x9-640.webp").file.url
    assert rendition_url.startswith(f"{s3_endpoint}/{name}/renditions/") and rendition_url in html
    fetched = httpx.get(rendition_url)
    assert fetched.status_code == 200 and fetched.content[:4] == b"RIFF" and fetched.content[8:12] == b"WEBP"


def test_the_same_upload_twice_is_one_set_of_objects(bucket, commit):
    s3, name = bucket
    data = encode(PILImage.new("RGB", (400, 300), "teal"), "PNG")
    with commit():
        first = image_ingest(upload=upload(data, "a.png"))
    count = s3.list_objects_v2(Bucket=name)["KeyCount"]
    with commit():
        again = image_ingest(upload=upload(data, "b.png"))
    assert again.pk == first.pk and s3.list_objects_v2(Bucket=name)["KeyCount"] == count
