"""One page of image records, and the way to the next (a stand-in: the library helper's
version replaces this at integration; the remote vault uses only what is written here).

A page knows how to fetch the page after it, so a caller that wants every match iterates the
page and never handles cursors, while one that shows a page at a time reads ``records`` and
``next_cursor`` (which the CLI and the web hand back as ``--cursor``/``?cursor=``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from ideovault.catalog.records import ImageRecord


@dataclass(frozen=True)
class ImagePage:
    """``records`` of this page; ``next_cursor`` None on the last one."""

    records: list[ImageRecord]
    next_cursor: str | None
    fetch_next: Callable[[str], ImagePage] | None = None

    def next_page(self) -> ImagePage | None:
        """The following page, fetched now; None after the last."""
        if self.next_cursor is None or self.fetch_next is None:
            return None
        return self.fetch_next(self.next_cursor)

    def pages(self) -> Iterator[ImagePage]:
        """This page and every following one, each fetched when reached."""
        page: ImagePage | None = self
        while page is not None:
            yield page
            page = page.next_page()

    def __iter__(self) -> Iterator[ImageRecord]:
        """Every record of this page and the following ones."""
        for page in self.pages():
            yield from page.records
