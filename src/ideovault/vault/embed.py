"""Carry a record inside the image file itself, without re-encoding a single pixel.

PNG gets an ``iTXt`` chunk (keyword ``ideovault``) inserted before ``IEND``; JPEG gets an XMP
``APP1`` segment after ``SOI``. Pillow would re-encode to add them (changing the bytes, and for
JPEG the pixels), so these few lines splice the bytes instead. ``read`` finds them again.
"""

from __future__ import annotations

import json
import re
import struct
import zlib
from typing import Any

KEYWORD = b"ideovault"
_XMP_HEADER = b"http://ns.adobe.com/xap/1.0/\x00"
_XMP_RE = re.compile(rb"<ideovault:record>(.*?)</ideovault:record>", re.DOTALL)


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def embed(data: bytes, record: dict[str, Any]) -> bytes | None:
    """The file with the record embedded, or None for formats we do not embed into (WebP)."""
    text = json.dumps(record, ensure_ascii=False, sort_keys=True).encode("utf-8")
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        end = data.rfind(b"IEND")
        if end < 8:
            return None
        body = KEYWORD + b"\x00\x00\x00" + b"\x00" + b"\x00" + text
        return data[: end - 4] + _png_chunk(b"iTXt", body) + data[end - 4 :]
    if data.startswith(b"\xff\xd8"):
        escaped = text.replace(b"&", b"&amp;").replace(b"<", b"&lt;")
        packet = (
            b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/'
            b'02/22-rdf-syntax-ns#"><rdf:Description xmlns:ideovault="https://ideovault.dev/ns/1/">'
            b"<ideovault:record>" + escaped + b"</ideovault:record></rdf:Description></rdf:RDF>"
            b"</x:xmpmeta>"
        )
        segment = _XMP_HEADER + packet
        if len(segment) + 2 > 0xFFFF:
            return None
        return data[:2] + b"\xff\xe1" + struct.pack(">H", len(segment) + 2) + segment + data[2:]
    return None


def read(data: bytes) -> dict[str, Any] | None:
    """The record embedded by :func:`embed`, if any (tolerates damage: returns None)."""
    try:
        if data.startswith(b"\x89PNG\r\n\x1a\n"):
            pos = 8
            while pos + 8 <= len(data):
                length, kind = struct.unpack(">I4s", data[pos : pos + 8])
                body = data[pos + 8 : pos + 8 + length]
                if kind == b"iTXt" and body.startswith(KEYWORD + b"\x00"):
                    text = body.split(b"\x00", 5)[-1] if body.count(b"\x00") >= 5 else b""
                    value = json.loads(text.decode("utf-8"))
                    return value if isinstance(value, dict) else None
                if kind == b"IEND":
                    return None
                pos += 12 + length
            return None
        if data.startswith(b"\xff\xd8"):
            match = _XMP_RE.search(data[:1_000_000])
            if match:
                raw = match.group(1).replace(b"&lt;", b"<").replace(b"&amp;", b"&")
                value = json.loads(raw.decode("utf-8"))
                return value if isinstance(value, dict) else None
    except (ValueError, struct.error, UnicodeDecodeError):
        return None
    return None
