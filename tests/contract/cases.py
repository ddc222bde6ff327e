"""The cases of the client/fake contract, derived from the client's rules (``api.rules``,
``api.checks``, ``api.params``) rather than listed by hand.

For every route of ``rules.ACCEPTS`` a smallest request the client accepts is found; then every
field the rules name is set, one at a time, to each value of its pool below, and the client
itself says whether it accepts the request. Pools are built from ``api.enums`` plus a few values
just outside each range, so a new enumeration value, field or route is covered without editing
this file — and a field with no pool fails ``test_every_field_has_values``.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ideovault.api import enums, rules
from ideovault.api.params import (
    ROUTE_MODELS,
    ColorMember,
    ColorPalette,
    GenerateParams,
    parse_params,
)
from ideovault.api.uploads import Upload
from ideovault.api.v4prompt import V4JsonPrompt
from ideovault.errors import UserError
from tests.images import image_bytes

SQUARE = Upload.from_bytes(image_bytes(64, 64), "the image")
MASK = Upload.from_bytes(image_bytes(64, 64, color="black"), "the mask")
WIDE = Upload.from_bytes(image_bytes(96, 64), "a wide image")
REF = Upload.from_bytes(image_bytes(32, 32, color="blue"), "a reference")
REF_MASK = Upload.from_bytes(image_bytes(32, 32, color="white"), "a reference mask")
JSON_PROMPT: dict[str, Any] = {
    "high_level_description": "A red bicycle leaning on a blue wall.",
    "compositional_deconstruction": {
        "background": "a blue stucco wall",
        "elements": [{"type": "obj", "desc": "red bicycle", "bbox": [300, 100, 900, 800]}],
    },
}

Patch = dict[str, Any]


def _each(name: str, values: Any) -> list[Patch]:
    return [{name: v} for v in values]


def _union(*groups: tuple[str, ...]) -> list[str]:
    return list(dict.fromkeys(itertools.chain(*groups)))


def _bounds(name: str, low: int, high: int) -> list[Patch]:
    return _each(name, (low, (low + high) // 2, high, low - 1, high + 1))


# Every field the rules name (and the model), with values to try: what some route takes and
# what none does. A patch may set several fields when one needs another to make sense.
POOLS: dict[str, list[Patch]] = {
    "model": _each(
        "model", (*enums.MODELS, enums.DESCRIBE_V4_MODEL, *ROUTE_MODELS.values(), "V_9")
    ),
    "prompt": [{"prompt": "a red fox"}, {"prompt": ""}],
    "negative_prompt": _each("negative_prompt", ("blurry",)),
    "seed": _bounds("seed", 0, enums.MAX_SEED),
    "aspect_ratio": _each(
        "aspect_ratio",
        [*_union(enums.LEGACY_ASPECTS, enums.V3_ASPECTS, enums.V4_MAGIC_PROMPT_ASPECTS[1:]), "7x3"],
    ),
    "resolution": _each(
        "resolution",
        [
            *_union(enums.LEGACY_RESOLUTIONS, enums.V3_RESOLUTIONS, enums.V4_RESOLUTIONS),
            "1000x1000",
        ],
    ),
    "style_type": _each(
        "style_type", [*_union(enums.LEGACY_STYLE_TYPES, enums.V3_STYLE_TYPES), "PHOTO"]
    ),
    "style_preset": _each("style_preset", [*enums.STYLE_PRESETS, "NOT_A_PRESET"]),
    "rendering_speed": _each("rendering_speed", [*enums.RENDERING_SPEEDS, "SLOW"]),
    "magic_prompt": _each("magic_prompt", [*enums.MAGIC_PROMPT, "MAYBE"]),
    "num_images": _bounds("num_images", 1, enums.MAX_NUM_IMAGES),
    "color_palette": [
        *({"color_palette": {"name": name}} for name in enums.PALETTE_PRESETS),
        {"color_palette": {"members": [{"color_hex": "#FF5733", "color_weight": 0.5}]}},
        {"color_palette": {"name": "NOT_A_PALETTE"}},
    ],
    "style_codes": [{"style_codes": ("0A1B2C3D",)}, {"style_codes": ("XYZ",)}],
    "image_weight": _bounds("image_weight", 1, 100),
    "resemblance": _bounds("resemblance", 1, 100),
    "detail": _bounds("detail", 1, 100),
    "describe_model_version": _each(
        "describe_model_version", [*enums.DESCRIBE_MODEL_VERSIONS, "V_9"]
    ),
    "json_prompt": [{"json_prompt": JSON_PROMPT, "prompt": ""}, {"json_prompt": JSON_PROMPT}],
    "include_bbox": _each("include_bbox", (True, False)),
    "include_style_descriptions": _each("include_style_descriptions", (True, False)),
    "include_tags": _each("include_tags", (True, False)),
    "upscale_factor": _each("upscale_factor", [*enums.UPSCALE_FACTORS, "X3"]),
    "transparent_background": _each("transparent_background", (True, False)),
    "image": [{"image": SQUARE}, {"image": WIDE}],
    "mask": [{"mask": MASK}, {"mask": WIDE}],
    "style_reference_images": [
        {"style_reference_images": (REF,) * n}
        for n in (1, enums.MAX_STYLE_REFERENCES, enums.MAX_STYLE_REFERENCES + 1)
    ],
    "character_reference_images": [
        {"character_reference_images": (REF,) * n} for n in (1, enums.MAX_CHARACTER_REFERENCES + 1)
    ],
    "character_reference_images_mask": [
        {"character_reference_images": (REF,), "character_reference_images_mask": (REF_MASK,)},
        {"character_reference_images": (REF,), "character_reference_images_mask": (MASK,)},
        {"character_reference_images_mask": (REF_MASK,)},
    ],
    "images": [
        {"images": (SQUARE,) * n}
        for n in (1, enums.MAX_INSTRUCT_IMAGES, enums.MAX_INSTRUCT_IMAGES + 1)
    ],
}


def client_accepts(values: Patch) -> GenerateParams | None:
    """The client's verdict: the validated request, or None if it refuses it."""
    try:
        return parse_params(**values)
    except UserError:
        return None


def smallest_request(operation: str, family: str) -> Patch:
    """The first model and combination of the required fields' pool values that the client
    accepts and sends to this route (``ACCEPTS`` names routes by operation and family)."""
    needed = [POOLS["model"], *(POOLS[name] for name in rules.REQUIRES[operation])]
    for combination in itertools.islice(itertools.product(*needed), 20_000):
        values: Patch = {"operation": operation}
        for patch in combination:
            values.update(patch)
        params = client_accepts(values)
        if params is not None and params.family == family:
            return {**values, "model": params.model}
    raise AssertionError(f"the client accepts no request to {operation} ({family})")


@dataclass(frozen=True)
class Case:
    route: tuple[str, str]
    field: str
    values: Patch
    base: Patch  # the route's smallest accepted request, which ``values`` changes in one field

    def __str__(self) -> str:
        shown = {k: _short(v) for k, v in self.values.items() if self.base.get(k, k) != v}
        return f"{self.route[0]}/{self.route[1]} {self.field}: {shown}"


def _short(value: Any) -> Any:
    if isinstance(value, Upload):
        return f"<{value.size} file>"
    if isinstance(value, tuple) and value and isinstance(value[0], Upload):
        return f"<{len(value)} files>"
    return value if not isinstance(value, dict) or len(str(value)) < 40 else "{…}"


def cases(route: tuple[str, str]) -> Iterator[Case]:
    """Every model; then every field of the rules, for every model the client sends to this
    route: each pool value where the model takes the field here, the first one where it does
    not (refused whatever its value)."""
    first = smallest_request(*route)
    accepted = rules.ACCEPTS[route] | set(rules.REQUIRES[route[0]])
    for patch in POOLS["model"]:
        yield Case(route, "model", {**first, **patch}, first)
    for model_patch in POOLS["model"]:
        base = {**first, **model_patch}
        params = client_accepts(base)
        if params is None or params.family != route[1] or params.model != base["model"]:
            continue
        for field, pool in POOLS.items():
            if field == "model":
                continue
            tried = [Case(route, field, {**base, **patch}, base) for patch in pool]
            if field not in accepted or not any(client_accepts(c.values) for c in tried):
                tried = tried[:1]  # the route or the model takes no such field: one value says so
            yield from tried


def raw_params(values: Patch) -> GenerateParams:
    """The request as it would be sent with no client checks: built without validation."""
    data = dict(values)
    palette = data.get("color_palette")
    if isinstance(palette, dict):
        members = palette.get("members")
        data["color_palette"] = ColorPalette.model_construct(
            name=palette.get("name"),
            members=None
            if members is None
            else tuple(ColorMember.model_construct(**m) for m in members),
        )
    if isinstance(data.get("json_prompt"), dict):
        data["json_prompt"] = V4JsonPrompt.model_validate(data["json_prompt"])
    op = data.get("operation", "generate")
    v4_describe = op == "describe" and data.get("model") == enums.DESCRIBE_V4_MODEL
    if op in ROUTE_MODELS and not v4_describe:  # the client's normalisation, not a check
        data["model"] = ROUTE_MODELS[op]
    return GenerateParams.model_construct(**data)
