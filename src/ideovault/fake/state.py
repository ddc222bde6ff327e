"""What one fake server knows, shared by its routes and by ``FakeServer``."""

from __future__ import annotations

from ideovault.fake.config import FakeConfig
from ideovault.fake.faults import FaultBook
from ideovault.fake.links import ImageLinks
from ideovault.fake.stats import Stats


class FakeState:
    """Settings, queued faults, counters and issued links of one fake server."""

    def __init__(self, config: FakeConfig) -> None:
        self.config = config
        self.faults = FaultBook()
        self.stats = Stats()
        self.links = ImageLinks(config.image_cache)

    def reset(self) -> None:
        self.faults.reset()
        self.stats.reset()
