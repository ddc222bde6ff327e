"""Shared read-only links: one image, or one search, for anyone holding the link until it
expires or is revoked — no sign-in (like Immich's shared links).

A link is ``/s/ivs_<id>_<secret>``: the secret has 256 bits from ``secrets`` and only its
SHA-256 is stored (``catalog/shares.py``), as for personal keys (``vault/people.py``). A link
opens nothing but its own page and the bytes of the images that page shows:

* an image link shows that image while it is stored and not in the trash;
* a search link runs its query *when the page is viewed* (``after:7d`` moves with the days),
  always without the trash, and shows its newest :data:`SEARCH_LIMIT` stored matches. An image
  the query stops matching, or that is trashed, disappears from the link at once.

Making a link is a change that needs ``images:write`` (an editor) on a server; making,
revoking and each refused revocation are in the audit log.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from ideovault import ids
from ideovault.catalog.query import parse
from ideovault.catalog.records import ImageRecord, ImageStatus
from ideovault.catalog.shares import Share, ShareStore
from ideovault.errors import UserError
from ideovault.units import parse_duration
from ideovault.vault import actors, people
from ideovault.vault.presenting import image, present

if TYPE_CHECKING:
    from ideovault.vault.context import VaultContext

__all__ = ["Share", "create", "find", "images", "is_live", "lifetime", "listing", "revoke", "shown"]
TOKEN_PREFIX = "ivs_"  # noqa: S105 (what a link's token starts with, not a secret)
_TOKEN = re.compile(r"ivs_([0-9a-f]{32})_([A-Za-z0-9_-]{43})")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
SEARCH_LIMIT = 100
MAX_LIFETIME = timedelta(days=366)
MIN_ID_CHARS = 8  # shorter hex is taken as a search word, not an image id


class NotYours(UserError):
    """Someone other than the link's maker (or an admin) tried to revoke it."""


def store(ctx: VaultContext) -> ShareStore:
    return ctx.catalog.shares


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def lifetime(text: str) -> timedelta:
    """``7d``, ``12h``, ``2w`` … as a lifetime (checked again by :func:`create`)."""
    return parse_duration(text)


def _looks_like_id(text: str) -> bool:
    return ids.normalize_prefix(text) is not None and len(text.replace("-", "")) >= MIN_ID_CHARS


def _label(label: str | None) -> str | None:
    if label is None or not label.strip():
        return None
    label = label.strip()
    if len(label) > 200 or _CONTROL.search(label):
        raise UserError("a link's label is one line of at most 200 characters")
    return label


def create(
    ctx: VaultContext, what: str, expires: timedelta, label: str | None = None, *,
    search: bool = False,
) -> tuple[Share, str]:  # fmt: skip
    """A new link to an image id (or unique prefix) or, with ``search`` or when ``what`` is no
    id, to a search: (its row, the link's path ``/s/<token>``, shown once, never stored)."""
    if expires <= timedelta(0) or expires > MAX_LIFETIME:
        raise UserError("a link's lifetime must be positive and at most a year, e.g. --expires 7d")
    what = what.strip()
    if not search and _looks_like_id(what):
        record = image(ctx, what)  # NotFound / AmbiguousId name the problem
        if record.trashed_at is not None or record.status != ImageStatus.STORED:
            raise UserError(f"image {record.id} is not a stored image outside the trash")
        kind, target = "image", record.id
    else:
        if not what:
            raise UserError("name an image id or a search query to share")
        if parse(what).trashed:  # a query that does not parse is refused, with its position
            raise UserError("a link never shows the trash: leave out is:trashed")
        kind, target = "search", what
    share_id = ids.new_id().replace("-", "")
    secret = secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    actor = actors.acting_name()
    row = Share(share_id, _digest(secret), kind, target, _label(label), actor, now,
                now + expires, None)  # fmt: skip
    store(ctx).add(row)
    detail = {"kind": kind, "target": target[:200], "expires_at": row.expires_at.isoformat()}
    people.record(ctx, actor, "share.create", share_id, detail)
    return row, f"/s/{TOKEN_PREFIX}{share_id}_{secret}"


def find(ctx: VaultContext, token: str) -> Share | None:
    """The link a token opens (live, expired or revoked), or None: malformed, unknown, or a
    wrong secret — which look alike to the caller, so a guess learns nothing."""
    match = _TOKEN.fullmatch(token)
    if match is None:
        return None
    row = store(ctx).find(match.group(1))
    if row is None or not secrets.compare_digest(row.secret_sha256, _digest(match.group(2))):
        return None
    return row


def is_live(share: Share) -> bool:
    return share.state(datetime.now(UTC)) == "live"


def _showable(record: ImageRecord) -> bool:
    return record.trashed_at is None and record.status == ImageStatus.STORED


def images(ctx: VaultContext, share: Share) -> list[ImageRecord]:
    """What a live link shows now (see the module docstring)."""
    if share.kind == "image":
        try:
            record = ctx.catalog.images.get(share.target)
        except UserError:  # purged since
            return []
        return [present(ctx, record)] if _showable(record) else []
    query = replace(parse(share.target), trashed=None)  # never the trash, whatever it says
    page = ctx.catalog.images.search(query, limit=SEARCH_LIMIT)
    return [present(ctx, r) for r in page.records if _showable(r)]


def shown(ctx: VaultContext, share: Share, image_id: str) -> ImageRecord | None:
    """The image of this exact id if the link shows it now; never a prefix, never another."""
    for record in images(ctx, share):
        if record.id == image_id:
            return record
    return None


def listing(ctx: VaultContext) -> list[dict[str, Any]]:
    now = datetime.now(UTC)
    return [s.to_json(now) for s in store(ctx).list()]


def revoke(ctx: VaultContext, share_id: str, actor: actors.Principal) -> Share:
    """End a link now; its maker or an admin may (an editor may not end another's link)."""
    row = store(ctx).get(share_id.strip().lower())
    if row.created_by != actor.name and not actor.allows("admin"):
        raise NotYours(
            f"link {row.id} was made by {row.created_by}: only they or an admin may end it"
        )
    store(ctx).revoke(row.id, datetime.now(UTC))
    people.record(ctx, actor.name, "share.revoke", row.id)
    return store(ctx).get(row.id)
