"""The cross-field rules of a request: which route takes what, with which values.

Kept apart from the field definitions in ``params.py`` so each file reads on its own. Every
rule raises ValueError with a sentence a user can act on; pydantic turns it into one UserError.
The rules read a request through the :class:`Request` protocol, not ``GenerateParams``: params
calls these checks from its validator, so naming the model here would close an import circle.
"""

from __future__ import annotations

from typing import Protocol

from ideovault.api import enums
from ideovault.api.rules import ACCEPTS, LABELS, OPERATIONS, REQUIRES
from ideovault.api.uploads import Upload, check_total

_CHECKED_FIELDS = tuple(LABELS)


class Request(Protocol):
    """What the rules read of a request (``GenerateParams`` is one). Read-only, as the model
    is frozen; the fields named in ``rules.LABELS`` are also read by name."""

    @property
    def operation(self) -> str: ...
    @property
    def model(self) -> str: ...
    @property
    def prompt(self) -> str: ...
    @property
    def json_prompt(self) -> object | None: ...
    @property
    def negative_prompt(self) -> str | None: ...
    @property
    def aspect_ratio(self) -> str | None: ...
    @property
    def resolution(self) -> str | None: ...
    @property
    def style_type(self) -> str | None: ...
    @property
    def style_preset(self) -> str | None: ...
    @property
    def rendering_speed(self) -> str | None: ...
    @property
    def color_palette(self) -> object | None: ...
    @property
    def style_codes(self) -> tuple[str, ...] | None: ...
    @property
    def describe_model_version(self) -> str | None: ...
    @property
    def image(self) -> Upload | None: ...
    @property
    def mask(self) -> Upload | None: ...
    @property
    def style_reference_images(self) -> tuple[Upload, ...] | None: ...
    @property
    def character_reference_images(self) -> tuple[Upload, ...] | None: ...
    @property
    def character_reference_images_mask(self) -> tuple[Upload, ...] | None: ...
    @property
    def images(self) -> tuple[Upload, ...] | None: ...


def check_request(p: Request) -> None:
    if p.operation not in OPERATIONS:
        raise ValueError(f"unknown operation {p.operation!r}; one of {', '.join(OPERATIONS)}")
    _check_model(p)
    family = enums.family(p.model)
    accepts = ACCEPTS.get((p.operation, family))
    if accepts is None:
        routes = enums.OPERATION_ENDPOINTS.get(p.operation, {})
        needs = {"legacy": "a V_2-family model", "v3": "V_3", "v4": "V_4"}
        options = " or ".join(needs[f] for f in routes)
        raise ValueError(f"{p.operation} is not offered for {p.model}; use {options}")
    _check_json_prompt(p, family)
    for name in REQUIRES[p.operation]:
        if name == "prompt" and p.json_prompt is not None:
            continue  # a V4 JSON prompt stands in for the text prompt (checked above)
        if not getattr(p, name):
            raise ValueError(f"{p.operation} needs {LABELS[name]}")
    for name in _CHECKED_FIELDS:
        value = getattr(p, name)
        given = value is not None and value != "" and not (name == "num_images" and value == 1)
        if given and name not in accepts and name != "image":
            where = "" if p.operation == "generate" else f" for {p.operation}"
            raise ValueError(f"{p.model} does not take {LABELS[name]}{where}")
    if p.image is not None and "image" not in REQUIRES[p.operation]:
        # generate and generate-transparent take none (remix does); the API answers 400.
        where = "takes no input image" if p.operation != "instruct" else "takes images, not image"
        raise ValueError(f"{p.operation} {where}")
    _check_values(p, family)
    _check_uploads(p)


def _check_json_prompt(p: Request, family: str) -> None:
    """Ideogram 4.0 takes exactly one of a text prompt or a JSON prompt (§6.1)."""
    if p.json_prompt is None:
        if p.operation == "generate" and family == "v4" and not p.prompt:
            raise ValueError("V_4 needs a prompt or a JSON prompt (--json-prompt FILE)")
        return
    if p.operation != "generate" or family != "v4":
        raise ValueError("a JSON prompt is taken only by generate with V_4 (Ideogram 4.0)")
    if p.prompt:
        raise ValueError("give a prompt or a JSON prompt, not both: V_4 takes exactly one")


def _check_model(p: Request) -> None:
    if p.operation in ("upscale", "describe", "remove-background", "instruct"):
        routes = (
            enums.UPSCALE_MODEL, enums.DESCRIBE_MODEL, enums.DESCRIBE_V4_MODEL,
            enums.REMOVE_BACKGROUND_MODEL, enums.INSTRUCT_MODEL,
        )  # fmt: skip
        if p.model not in routes:
            raise ValueError(f"unknown model {p.model!r}")
        return
    if p.model not in enums.MODELS:
        raise ValueError(f"unknown model {p.model!r}; one of {', '.join(enums.MODELS)}")
    if (
        p.operation == "edit"
        and enums.is_legacy(p.model)
        and p.model not in (enums.LEGACY_EDIT_MODELS)
    ):
        raise ValueError(
            f"edit takes V_3 or {' or '.join(enums.LEGACY_EDIT_MODELS)}, not {p.model}"
        )


def _check_values(p: Request, family: str) -> None:
    m = p.model
    legacy = family == "legacy"
    if p.aspect_ratio and p.resolution:
        raise ValueError("give an aspect ratio or a resolution, not both")
    aspects = enums.LEGACY_ASPECTS if legacy else enums.V3_ASPECTS
    if p.aspect_ratio and p.aspect_ratio not in aspects:
        raise ValueError(
            f"aspect ratio {p.aspect_ratio} is not offered for {m}; one of {', '.join(aspects)}"
        )
    if p.resolution:
        if legacy and m not in enums.LEGACY_RESOLUTION_MODELS:
            if p.operation == "reframe":
                raise ValueError(f"reframe takes V_3, V_2 or V_2_TURBO, not {m}")
            raise ValueError(f"{m} takes no resolution; use an aspect ratio")
        allowed = {
            "legacy": enums.LEGACY_RESOLUTIONS, "v3": enums.V3_RESOLUTIONS,
            "v4": enums.V4_RESOLUTIONS,
        }[family]  # fmt: skip
        if p.resolution not in allowed:
            raise ValueError(f"resolution {p.resolution} is not offered for {m}")
    if p.style_type:
        if m in ("V_1", "V_1_TURBO"):
            raise ValueError(f"{m} takes no style type")
        styles = enums.LEGACY_STYLE_TYPES if legacy else enums.V3_STYLE_TYPES
        if p.style_type not in styles:
            raise ValueError(f"unknown style {p.style_type!r}; one of {', '.join(styles)}")
    if p.style_preset and p.style_preset not in enums.STYLE_PRESETS:
        raise ValueError(f"unknown style preset {p.style_preset!r}")
    if p.rendering_speed:
        if p.operation == "generate-transparent" and p.rendering_speed == "FLASH":
            raise ValueError(
                "generate-transparent does not take FLASH (the API refuses it); "
                "use TURBO, DEFAULT or QUALITY"
            )
        if legacy:
            raise ValueError(f"{m} takes no rendering speed (only V_3 and V_4 do)")
        speeds = enums.V4_RENDERING_SPEEDS if family == "v4" else enums.RENDERING_SPEEDS
        if p.rendering_speed not in speeds:
            raise ValueError(
                f"rendering speed {p.rendering_speed!r} is not offered for {m}; "
                f"one of {', '.join(speeds)}"
            )
    if p.negative_prompt and m not in enums.NEGATIVE_PROMPT_MODELS:
        raise ValueError(f"{m} takes no negative prompt")
    if p.color_palette and m not in enums.COLOR_PALETTE_MODELS:
        raise ValueError(f"{m} takes no color palette")
    if p.style_codes and (p.style_type or p.style_reference_images):
        raise ValueError("style codes cannot be combined with a style type or style references")
    if p.describe_model_version and p.describe_model_version not in enums.DESCRIBE_MODEL_VERSIONS:
        raise ValueError(
            f"describe model version {p.describe_model_version!r} is not one of "
            f"{', '.join(enums.DESCRIBE_MODEL_VERSIONS)}"
        )


def _check_uploads(p: Request) -> None:
    image = p.image
    if p.mask is not None and image is not None and p.mask.size != image.size:
        raise ValueError(
            f"the mask is {p.mask.size} but the image is {image.size}; they must be the same size"
        )
    if p.operation == "reframe" and image is not None and image.width != image.height:
        raise ValueError(f"reframe takes a square image; this one is {image.size}")
    refs = p.style_reference_images or ()
    if len(refs) > enums.MAX_STYLE_REFERENCES:
        raise ValueError(f"at most {enums.MAX_STYLE_REFERENCES} style reference images")
    check_total(refs, "the style reference images", enums.MAX_REFERENCE_BYTES_TOTAL)
    chars = p.character_reference_images or ()
    if len(chars) > enums.MAX_CHARACTER_REFERENCES:
        raise ValueError(f"at most {enums.MAX_CHARACTER_REFERENCES} character reference image")
    check_total(chars, "the character reference images", enums.MAX_REFERENCE_BYTES_TOTAL)
    inputs = p.images or ()
    if len(inputs) > enums.MAX_INSTRUCT_IMAGES:
        raise ValueError(
            f"instruct takes at most {enums.MAX_INSTRUCT_IMAGES} input images, not {len(inputs)}"
        )
    masks = p.character_reference_images_mask or ()
    if masks:
        if len(masks) != len(chars):
            raise ValueError("give one character reference mask per character reference image")
        for ref, mask in zip(chars, masks, strict=True):
            if ref.size != mask.size:
                raise ValueError(
                    f"a character reference mask is {mask.size} but its image is {ref.size}"
                )
