"""An offline Ideogram-compatible server: deterministic images, expiring links, faults.

``with FakeServer(FakeConfig(api_key="k")) as fake: ...`` in tests; ``serve(host, port, config)``
for ``ideovault fake-api``. See :mod:`ideogram_fake.faults` for the injectable fault kinds.

A package of its own, apart from the product: ``ideovault`` imports it only inside the commands
that start it (``demo``, ``fake-api``). From ``ideovault`` it takes just the API's published
lists (``ideovault.api.enums``, plain data from docs/ideogram-api.md §3); its validation is its
own on purpose, so that a client rule written wrong is answered by the fake as the API would.
tests/contract/ drives every route and value the client's rules accept or refuse through it, so
the two cannot drift apart silently (the import contracts are in pyproject's importlinter).
"""

from ideogram_fake.config import FakeConfig
from ideogram_fake.server import FakeServer, inject_remote, serve

__all__ = ["FakeConfig", "FakeServer", "inject_remote", "serve"]
