"""What one fake server knows, shared by its routes and by ``FakeServer``."""

from __future__ import annotations

import secrets

from ideogram_fake.config import FakeConfig
from ideogram_fake.faults import FaultBook
from ideogram_fake.jobs import Jobs
from ideogram_fake.links import ImageLinks
from ideogram_fake.signing import WebhookKeys
from ideogram_fake.stats import Stats


class FakeState:
    """Settings, queued faults, counters, issued links, async jobs and signing keys."""

    def __init__(self, config: FakeConfig) -> None:
        self.config = config
        self.faults = FaultBook()
        self.stats = Stats()
        self.links = ImageLinks(config.image_cache, config.clock)
        self.webhook_keys = WebhookKeys()
        self.user_id = secrets.token_urlsafe(12)  # the account the webhooks speak for
        # 4.0 async generations; they outlive reset(), like links
        self.jobs = Jobs(
            config, self.faults, self.stats, self.links, self.webhook_keys, self.user_id
        )

    def reset(self) -> None:
        self.faults.reset()
        self.stats.reset()
