"""A stand-in for an S3-compatible store (no S3 service runs here): moto's S3 server on
127.0.0.1, with buckets set up as README.md tells a site to: public reads of the media prefix
only, by a bucket policy."""

from __future__ import annotations

import functools
import json
import logging
import os
import socket
import urllib.error
import urllib.request
import uuid
from typing import Any

import boto3
from moto.server import ThreadedMotoServer

# The ports this suite's S3 stand-ins use; each pytest-xdist worker starts at its own.
PORTS = range(8500, 8550)
CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "atlas-test",
    "AWS_SECRET_ACCESS_KEY": "atlas-test-secret",
    "AWS_DEFAULT_REGION": "us-east-1",
}


def _free_port_in_range() -> int:
    worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
    start = (worker * 7) % len(PORTS)
    for offset in range(len(PORTS)):
        port = PORTS[(start + offset) % len(PORTS)]
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {PORTS.start}-{PORTS.stop - 1} for the S3 stand-in")


class FakeS3:
    def __init__(self) -> None:
        self.port = _free_port_in_range()
        self.server = ThreadedMotoServer(ip_address="127.0.0.1", port=self.port, verbose=False)

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
        self.server.start()

    def stop(self) -> None:
        self.server.stop()

    @functools.cached_property
    def client(self) -> Any:
        """A client with full rights (made once: a boto3 client takes ~0.3 s to make)."""
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name=CREDENTIALS["AWS_DEFAULT_REGION"],
            aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        )

    def new_bucket(self, public_prefix: str = "media") -> str:
        """A new bucket whose `public_prefix/` anyone may read, and nothing else."""
        bucket = f"atlas-{uuid.uuid4().hex[:12]}"
        client = self.client
        client.create_bucket(Bucket=bucket)
        policy = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "PublicMedia",
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": "s3:GetObject",
                    "Resource": f"arn:aws:s3:::{bucket}/{public_prefix}/*",
                }
            ],
        }
        client.put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy))
        return bucket

    def keys(self, bucket: str) -> list[str]:
        listing = self.client.list_objects_v2(Bucket=bucket)
        return sorted(item["Key"] for item in listing.get("Contents", []))

    def environment(self, bucket: str) -> dict[str, str]:
        """What a site sets to keep its media in `bucket` (README, "Configuration")."""
        return {
            "ATLAS_MEDIA_S3_BUCKET": bucket,
            "ATLAS_MEDIA_S3_ENDPOINT_URL": self.endpoint,
            "ATLAS_MEDIA_S3_REGION": CREDENTIALS["AWS_DEFAULT_REGION"],
            **CREDENTIALS,
        }


def anonymous_get(url: str) -> tuple[int, bytes, str]:
    """(status, body, content type) of a GET with no credentials, as a reader's browser."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read(), response.headers.get("Content-Type", "")
    except urllib.error.HTTPError as error:
        return error.code, error.read(), error.headers.get("Content-Type", "")
