"""Which module defines each command, and its one-line help, so that start-up imports none.

``ideovault --help`` lists these lines without importing a single command module, and
``ideovault search`` imports ``cli/search.py`` alone (not SQLAlchemy's users in ``cli/batch.py``,
not Pillow, not FastAPI). A test keeps this table equal to what the modules register: a new
command is one line here.
"""

from __future__ import annotations

from typing import NamedTuple


class Entry(NamedTuple):
    module: str  # under ideovault.cli
    help: str  # the first line of the command's docstring, as Click shows it


COMMANDS: dict[str, Entry] = {
    "cleanup": Entry(
        "cleanup",
        "Move images that a retention rule selects to the trash (see `purge`).",
    ),
    "demo": Entry(
        "demo",
        "Generate a handful of images against the built-in fake API and show what was stored.",
    ),
    "fake-api": Entry(
        "demo",
        "Run the offline Ideogram-compatible server (for tests, demos and scripts).",
    ),
    "remix": Entry("editing", "A new image from PROMPT that keeps the look of SOURCE."),
    "edit": Entry("editing", "Repaint the masked part of SOURCE as PROMPT says (inpainting)."),
    "upscale": Entry("editing", "A larger version of SOURCE."),
    "reframe": Entry(
        "editing",
        "Extend a square SOURCE to another size, painting what lies outside it.",
    ),
    "replace-background": Entry(
        "editing",
        "Keep the subject of SOURCE, paint a new background as PROMPT says (V_3).",
    ),
    "generate-transparent": Entry(
        "image_tools",
        "PNG images with a transparent background from PROMPT (V_3; not --speed FLASH).",
    ),
    "remove-background": Entry(
        "image_tools",
        "The subject of SOURCE on a transparent background (one image).",
    ),
    "layerize-text": Entry(
        "image_tools",
        (
            "SOURCE without its text, stored as a new image; the text is kept as blocks "
            "(position, font, colour) in the new image's descriptions, where search finds it."
        ),
    ),
    "instruct": Entry(
        "image_tools",
        (
            "Edit images by instruction (/v1/edit): PROMPT says what to change; the first --image"
            " is the parent of the results."
        ),
    ),
    "magic-prompt": Entry(
        "v4",
        (
            "Turn TEXT into an Ideogram 4.0 JSON prompt to edit and pass to `generate --json-"
            "prompt`."
        ),
    ),
    "generate": Entry(
        "generate",
        "Generate images, download them at once, store and catalog them.",
    ),
    "rm": Entry(
        "lifecycle",
        "Move images to the trash (reversible with `restore`; files are kept until `purge`).",
    ),
    "trash": Entry("lifecycle", "List the images in the trash."),
    "restore": Entry("lifecycle", "Take images out of the trash."),
    "purge": Entry(
        "lifecycle",
        "Delete trashed images for good (a file shared by another record is kept).",
    ),
    "verify": Entry(
        "lifecycle",
        "Check every stored image against its sha256, find orphans and stale sidecars.",
    ),
    "rebuild": Entry(
        "lifecycle",
        "Rebuild the catalog from the sidecars in the blob store (when the database is lost).",
    ),
    "describe": Entry(
        "lineage",
        "Ask the API to describe an image; the descriptions are kept on its record.",
    ),
    "lineage": Entry("lineage", "The ancestors and descendants of an image, as a tree."),
    "reproduce": Entry(
        "lineage",
        "Send the request that made an image again, with its seed; say if the bytes match.",
    ),
    "import": Entry(
        "portability",
        "Import images with what is known about them; running it twice adds nothing.",
    ),
    "export": Entry(
        "portability",
        "Export originals and a manifest (manifest.jsonl, manifest.csv), or stream a --zip.",
    ),
    "show": Entry("records", "Show everything the vault knows about one image."),
    "list": Entry("records", "List images, newest first."),
    "url": Entry(
        "records",
        (
            "A URL for the original image: public (IDEOVAULT_PUBLIC_BASE_URL) or signed and "
            "expiring."
        ),
    ),
    "recover": Entry(
        "recover",
        "Download every pending image whose link still works; report the rest.",
    ),
    "report": Entry(
        "report",
        "What the vault holds and what it cost (estimates), broken down several ways.",
    ),
    "search": Entry("search", "Search the vault with the query language (see the README)."),
    "tag": Entry(
        "search",
        "Add (+tag) and remove (-tag) tags: `ideovault tag 01a2 01b3 +poster -draft`.",
    ),
    "star": Entry("search", "Star images (starred images are never removed by a cleanup policy)."),
    "unstar": Entry("search", "Remove the star from images."),
    "serve": Entry("serve", "Serve the gallery and the REST API (OpenAPI at /openapi.json)."),
    "mcp": Entry(
        "mcp",
        "Serve the vault to an assistant over MCP (stdio): generate, search, show, reuse images.",
    ),
    "similar": Entry(
        "similar",
        "Images that look like this one, closest first (0 = same picture).",
    ),
    "dupes": Entry("similar", "Groups of near-identical images across the vault."),
    "backfill": Entry("similar", "Compute perceptual hashes for stored images that lack one."),
    "worker": Entry(
        "worker",
        "Claim batch items from the shared catalog and generate them, until stopped.",
    ),
    "batch": Entry(
        "batch",
        "Generate from a JSONL or CSV file, one request per row, as a resumable job.",
    ),
    "storage": Entry("storage", "Where the image files live."),
    "rate": Entry("curation", "Give images 1-5 stars; 0 clears the rating."),
    "user": Entry("people", "People of a team vault and their roles."),
    "key": Entry("people", "Personal API keys (shown once, stored as a hash)."),
    "audit": Entry("people", "Who did what: the append-only audit log, oldest first."),
    "backup": Entry(
        "people",
        "Copy the catalog while it is in use (SQLite; for PostgreSQL it says what to run).",
    ),
    "share": Entry(
        "shares", "Read-only links to one image or a search, for anyone, until they expire."
    ),
    "album": Entry(
        "curation",
        "Albums: named collections of images (an image may be in many; nothing is moved).",
    ),
}
