"""An offline Ideogram-compatible server: deterministic images, expiring links, faults.

``with FakeServer(FakeConfig(api_key="k")) as fake: ...`` in tests; ``serve(host, port, config)``
for ``ideovault fake-api``. See :mod:`ideovault.fake.faults` for the injectable fault kinds.
"""

from ideovault.fake.config import FakeConfig
from ideovault.fake.server import FakeServer, inject_remote, serve

__all__ = ["FakeConfig", "FakeServer", "inject_remote", "serve"]
