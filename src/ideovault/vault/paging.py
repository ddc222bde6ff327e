"""Pages of image records that know how to fetch the page after them.

A search or a listing answers one page (``.records``, ``.next_cursor``) because a server, a
gallery or a CLI with ``--after`` works a page at a time; but a script that wants *every*
result should not have to write the cursor loop. So iterating a page yields its records and
then those of the following pages, each fetched only when the one before is used up. The
fetching is a callback (cursor → page), which keeps this module free of the catalog and of
any transport: the local vault and the remote one make pages the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from ideovault.catalog.records import ImageRecord

Fetch = Callable[[str], "ImagePage"]


@dataclass(frozen=True)
class ImagePage:
    """One page of records; ``next_cursor`` is None on the last one."""

    records: list[ImageRecord]
    next_cursor: str | None = None
    fetch_next: Fetch | None = field(default=None, repr=False, compare=False)

    def __iter__(self) -> Iterator[ImageRecord]:
        """Every record of this page and of the pages after it, in order, fetched lazily."""
        for page in self.pages():
            yield from page.records

    def pages(self) -> Iterator[ImagePage]:
        """This page, then each following page (one fetch per page, as it is reached)."""
        page: ImagePage | None = self
        while page is not None:
            yield page
            page = page.next_page()

    def next_page(self) -> ImagePage | None:
        """The page after this one, or None when this is the last (or nothing can fetch)."""
        if self.next_cursor is None or self.fetch_next is None:
            return None
        return self.fetch_next(self.next_cursor)
