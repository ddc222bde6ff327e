"""Reading a request's body into fields: multipart (text and files) or JSON.

Both shapes end as ``{name: [values]}`` so one validator serves both: multipart repeats a field
for arrays, JSON gives a list. Files keep their bytes (up to the 10 MB limit; a bigger one keeps
only its size, which is all the 400/413 needs) so the upload checks can sniff and decode them.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import Request
from starlette.datastructures import UploadFile

from ideogram_fake import validate
from ideogram_fake.validate import Fields, FilePart
from ideovault.api import enums


def media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


async def json_body(request: Request) -> Any:
    try:
        return json.loads(await request.body())
    except ValueError:  # includes UnicodeDecodeError
        raise validate.bad("the body is not valid JSON") from None


async def read_fields(request: Request, *, json_ok: bool) -> tuple[Fields, bool] | None:
    """The fields and whether they came as text (multipart); None: a media type not taken."""
    media = media_type(request)
    if media == "multipart/form-data":
        try:
            form = await request.form()
        except Exception:  # starlette raises several kinds on a broken multipart body
            raise validate.bad("the multipart body could not be parsed") from None
        fields: Fields = {}
        try:
            for name, value in form.multi_items():
                part: Any = value
                if isinstance(value, UploadFile):
                    part = await _file_part(value)
                fields.setdefault(name, []).append(part)
        finally:
            await form.close()
        return fields, True
    if media == "application/json" and json_ok:
        body = await json_body(request)
        if not isinstance(body, dict):
            raise validate.bad("the JSON body must be an object")
        return {k: v if isinstance(v, list) else [v] for k, v in body.items()}, False
    return None


def wrong_media(json_ok: bool) -> validate.FakeError:
    also = " or application/json" if json_ok else ""
    return validate.bad(f"Content-Type must be multipart/form-data{also}")


async def _file_part(upload: UploadFile) -> FilePart:
    size = upload.size or 0
    data = b"" if size > enums.MAX_UPLOAD_BYTES else await upload.read()
    return FilePart(upload.filename or "", max(size, len(data)), data, upload.content_type or "")


def first_text(fields: Fields | None, name: str) -> str | None:
    """A text field's first value, for the per-prompt counters (None when absent or a file)."""
    values = (fields or {}).get(name) or [None]
    return values[0] if isinstance(values[0], str) else None
