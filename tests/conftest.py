"""Fixtures shared by the whole suite: database URLs for SQLite and PostgreSQL.

PostgreSQL tests use the server at 127.0.0.1:5432 (user root, database test), each test run in
its own schema. Without the server they skip — except under CI=true, where they fail loudly,
so a CI machine that lost PostgreSQL cannot pass by skipping.
"""

from __future__ import annotations

import os

# google-auth probes the GCE metadata address when no credentials are found; tests must never
# send traffic off this machine, and the flag is read when google-auth is first imported.
os.environ["NO_GCE_CHECK"] = "true"
import secrets
import socket
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from moto.server import ThreadedMotoServer
from sqlalchemy import create_engine, text

from ideogram_fake import FakeConfig, FakeServer
from ideovault.blobs.s3 import S3BlobStore

# One distinctive key for every test: tests assert it never shows up in output or files.
TEST_API_KEY = "sk-test-Zq8-very-secret-key-4711"

PG_ADMIN_URL = os.environ.get(
    "IDEOVAULT_TEST_PG_URL", "postgresql+psycopg://root@127.0.0.1:5432/test"
)


def _pg_unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"PostgreSQL is required under CI but is not usable: {reason}", pytrace=False)
    pytest.skip(f"PostgreSQL not available: {reason}")


@pytest.fixture(scope="session")
def pg_admin() -> Iterator[str]:
    try:
        engine = create_engine(PG_ADMIN_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as exc:  # any failure to connect means "no PostgreSQL here"
        _pg_unavailable(str(exc).splitlines()[0])
    yield PG_ADMIN_URL


@pytest.fixture
def postgres_url(pg_admin: str) -> Iterator[str]:
    """A fresh schema per test, dropped afterwards; the URL puts it first on search_path."""
    schema = f"ideovault_test_{secrets.token_hex(6)}"
    engine = create_engine(pg_admin)
    with engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{pg_admin}?options=-csearch_path%3D{schema}"
    finally:
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'catalog.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def catalog_url(request: pytest.FixtureRequest) -> str:
    """Run a catalog test once on SQLite and once on PostgreSQL."""
    name = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    return str(request.getfixturevalue(name))


@pytest.fixture(scope="session")
def fake_api() -> Iterator[FakeServer]:
    """The fake Ideogram server, on loopback, shared by the whole run."""
    with FakeServer(FakeConfig(api_key=TEST_API_KEY)) as server:
        yield server


@pytest.fixture
def fake(fake_api: FakeServer) -> Iterator[FakeServer]:
    """The shared fake server with no faults queued and counters at zero."""
    fake_api.reset()
    yield fake_api
    fake_api.reset()


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3_env(s3_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """Standard AWS environment variables pointing at the loopback server."""
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ENDPOINT_URL": s3_endpoint,
    }.items():
        monkeypatch.setenv(name, value)
    return s3_endpoint


@pytest.fixture
def bucket(s3_env: str) -> str:
    name = f"vault-{secrets.token_hex(4)}"
    boto3.client("s3").create_bucket(Bucket=name)
    return name


@pytest.fixture
def s3_store(bucket: str) -> S3BlobStore:
    return S3BlobStore(bucket, "team/a", multipart_threshold=5 * 1024 * 1024)


@pytest.fixture(scope="session")
def gcs_endpoint() -> Iterator[str]:
    """gcp-storage-emulator serving the GCS JSON API on loopback, in memory, for the session."""
    from gcp_storage_emulator.server import create_server

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = create_server("127.0.0.1", port, in_memory=True)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def gcs_bucket(gcs_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """A fresh bucket; STORAGE_EMULATOR_HOST sends Google's own client to the emulator."""
    from google.cloud import storage

    monkeypatch.setenv("STORAGE_EMULATOR_HOST", gcs_endpoint)
    name = f"vault-{secrets.token_hex(4)}"
    storage.Client().create_bucket(name)
    return name
