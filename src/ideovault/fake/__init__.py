"""An offline Ideogram-compatible server: deterministic images, expiring links, faults."""

from ideovault.fake.config import FakeConfig
from ideovault.fake.server import FakeServer, inject_remote, serve

__all__ = ["FakeConfig", "FakeServer", "inject_remote", "serve"]
