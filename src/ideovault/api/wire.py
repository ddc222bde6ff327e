"""How a request goes over the wire, route by route (docs/ideogram-api.md §1, §4-6).

Three shapes exist: legacy ``/generate`` is JSON; legacy ``/remix`` and ``/upscale`` are
multipart with the parameters as one JSON-text part ``image_request``; every other route is
multipart with flat fields (arrays repeated, objects as compact JSON text, files as file parts).
V4 calls its prompt ``text_prompt``; legacy routes spell magic prompt ``magic_prompt_option``
and sizes ``ASPECT_W_H`` / ``RESOLUTION_W_H``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ideovault.api.params import GenerateParams


@dataclass(frozen=True)
class WireRequest:
    """One HTTP request: a path and either a JSON body or multipart parts."""

    path: str
    json: dict[str, Any] | None = None
    parts: list[Any] | None = None


def _compact(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


def _legacy_aspect(value: str) -> str:
    w, h = value.split("x")
    return f"ASPECT_{w}_{h}"


def _legacy_resolution(value: str) -> str:
    return "RESOLUTION_" + value.replace("x", "_")


def legacy_image_request(p: GenerateParams) -> dict[str, Any]:
    """The ``image_request`` object of legacy ``/generate`` and ``/remix``."""
    req: dict[str, Any] = {"prompt": p.prompt, "model": p.model}
    if p.aspect_ratio:
        req["aspect_ratio"] = _legacy_aspect(p.aspect_ratio)
    if p.resolution:
        req["resolution"] = _legacy_resolution(p.resolution)
    if p.magic_prompt:
        req["magic_prompt_option"] = p.magic_prompt
    for name in ("seed", "style_type", "negative_prompt"):
        value = getattr(p, name)
        if value is not None:
            req[name] = value
    req["num_images"] = p.num_images
    if p.color_palette:
        req["color_palette"] = p.color_palette.wire()
    if p.image_weight is not None:
        req["image_weight"] = p.image_weight
    return req


def _upscale_request(p: GenerateParams) -> dict[str, Any]:
    req: dict[str, Any] = {}
    if p.prompt:
        req["prompt"] = p.prompt
    for name in ("resemblance", "detail", "seed"):
        value = getattr(p, name)
        if value is not None:
            req[name] = value
    if p.magic_prompt:
        req["magic_prompt_option"] = p.magic_prompt
    req["num_images"] = p.num_images
    return req


def _flat_legacy(p: GenerateParams) -> list[tuple[str, str]]:
    """``/edit``, ``/reframe`` and ``/describe``: flat fields with legacy spellings."""
    fields: list[tuple[str, str]] = []
    if p.prompt:
        fields.append(("prompt", p.prompt))
    if p.operation in ("edit", "reframe"):
        fields.append(("model", p.model))
        fields.append(("num_images", str(p.num_images)))
    if p.resolution:
        fields.append(("resolution", _legacy_resolution(p.resolution)))
    if p.magic_prompt:
        fields.append(("magic_prompt_option", p.magic_prompt))
    for name in ("seed", "style_type", "describe_model_version"):
        value = getattr(p, name)
        if value is not None:
            fields.append((name, str(value)))
    return fields


# /v1 routes with no ``num_images`` field: they answer with exactly one image (§2.2).
ONE_OUTPUT = ("remove-background", "layerize-text")


def v1_fields(p: GenerateParams) -> list[tuple[str, str]]:
    """Text fields of a ``/v1`` route; arrays repeat, objects are JSON text."""
    v4 = p.family == "v4"
    fields: list[tuple[str, str]] = []
    if p.prompt:
        fields.append(("text_prompt" if v4 else "prompt", p.prompt))
    if p.json_prompt is not None:
        fields.append(("json_prompt", p.json_prompt.wire()))
    for name in (
        "seed", "aspect_ratio", "resolution", "rendering_speed", "magic_prompt",
        "negative_prompt", "style_type", "style_preset", "image_weight", "upscale_factor",
    ):  # fmt: skip
        value = getattr(p, name)
        if value is not None:
            fields.append((name, str(value)))
    if p.transparent_background is not None:
        fields.append(("transparent_background", "true" if p.transparent_background else "false"))
    if not v4 and p.operation not in ONE_OUTPUT:
        fields.append(("num_images", str(p.num_images)))
    if p.color_palette:
        fields.append(("color_palette", _compact(p.color_palette.wire())))
    for code in p.style_codes or ():
        fields.append(("style_codes", code))
    return fields


def encode(p: GenerateParams, path: str | None = None) -> WireRequest:
    """The HTTP request for ``p``: the route (``path`` overrides it, e.g. 4.0's async twin of
    generate, which takes the same body), and its body in that route's shape."""
    path = path or p.endpoint
    files: list[Any] = []
    if path == "/generate":
        return WireRequest(path, json={"image_request": legacy_image_request(p)})
    if path in ("/remix", "/upscale"):
        inner = legacy_image_request(p) if path == "/remix" else _upscale_request(p)
        text: list[tuple[str, str]] = [("image_request", _compact(inner))]
        image_name = "image_file"
    elif p.family == "legacy":
        text = _flat_legacy(p)
        image_name = "image_file"
    elif p.operation == "describe":  # 4.0's describe: image_file and three switches (§6.3)
        text = [
            (name, "true" if value else "false")
            for name in ("include_bbox", "include_style_descriptions", "include_tags")
            if (value := getattr(p, name)) is not None
        ]
        image_name = "image_file"
    else:
        text = v1_fields(p)
        image_name = "image"
    if p.image is not None:
        files.append(p.image.part(image_name))
    if p.mask is not None:
        files.append(p.mask.part("mask"))
    for name in (
        "style_reference_images", "character_reference_images", "character_reference_images_mask",
        "images",
    ):  # fmt: skip
        for upload in getattr(p, name) or ():
            files.append(upload.part(name))
    return WireRequest(path, parts=[(n, (None, v)) for n, v in text] + files)
