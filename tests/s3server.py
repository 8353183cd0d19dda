"""A local S3-compatible server for tests: moto's server mode on 127.0.0.1.

`moto_server` runs as a child process on a free port; the test points boto3 at it with
the usual AWS variables (AWS_ENDPOINT_URL and dummy credentials), creates a bucket, and
reads back what factcheck wrote. Nothing leaves the machine.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass

ENV = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
       "AWS_DEFAULT_REGION": "us-east-1"}


@dataclass
class S3Server:
    """A running moto server: its endpoint, and a boto3 client on it."""

    endpoint: str

    def client(self):
        import boto3

        return boto3.client("s3", endpoint_url=self.endpoint, **{
            "aws_access_key_id": ENV["AWS_ACCESS_KEY_ID"],
            "aws_secret_access_key": ENV["AWS_SECRET_ACCESS_KEY"],
            "region_name": ENV["AWS_DEFAULT_REGION"]})

    def bucket(self, name: str) -> str:
        """Create bucket `name` (empty); its name."""
        self.client().create_bucket(Bucket=name)
        return name

    def fresh_bucket_url(self, monkeypatch, name: str, prefix: str) -> str:
        """An `s3://` address in a new bucket `name`, reached by boto3 through the AWS
        variables (set on `monkeypatch`), as the app is configured in production."""
        for variable, value in ENV.items():
            monkeypatch.setenv(variable, value)
        monkeypatch.setenv("AWS_ENDPOINT_URL", self.endpoint)
        return f"s3://{self.bucket(name)}/{prefix}"

    def keys(self, bucket: str) -> list[str]:
        """Every key in the bucket, sorted."""
        listed = self.client().list_objects_v2(Bucket=bucket)
        return sorted(item["Key"] for item in listed.get("Contents", []))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def running_s3_server() -> Iterator[S3Server]:
    """Start moto's server on 127.0.0.1 and stop it afterwards."""
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env={**os.environ, **ENV})
    try:
        deadline = time.monotonic() + 30
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port),
                                                                        timeout=1):
                break
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("moto_server did not start")
            time.sleep(0.1)
        yield S3Server(f"http://127.0.0.1:{port}")
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
