"""Which route takes which parameter (docs/ideogram-api.md §4-6), as data.

A request is checked against this table before it is sent, so that "reframe takes no
negative prompt" is our clear message, not a 400 after a round trip (or, worse, a parameter the
API silently ignores while the catalog records it as used).
"""

from __future__ import annotations

OPERATIONS = (
    "generate", "remix", "edit", "upscale", "reframe", "replace-background", "describe",
    "generate-transparent", "remove-background", "layerize-text", "instruct",
)  # fmt: skip

_STYLE = {"color_palette", "style_codes", "style_preset", "style_reference_images"}
_CHARACTER = {"character_reference_images", "character_reference_images_mask"}
_V3_GENERATE = {
    "prompt", "seed", "aspect_ratio", "resolution", "rendering_speed", "magic_prompt",
    "negative_prompt", "num_images", "style_type", *_STYLE, *_CHARACTER,
}  # fmt: skip
_LEGACY_GENERATE = {
    "prompt", "aspect_ratio", "resolution", "magic_prompt", "seed", "style_type",
    "negative_prompt", "num_images", "color_palette",
}  # fmt: skip

# (operation, family) -> the parameters it takes; "model" and "image" are handled apart.
ACCEPTS: dict[tuple[str, str], set[str]] = {
    ("generate", "legacy"): _LEGACY_GENERATE,
    ("generate", "v3"): _V3_GENERATE,
    ("generate", "v4"): {"prompt", "json_prompt", "seed", "resolution", "rendering_speed"},
    ("remix", "legacy"): {*_LEGACY_GENERATE, "image_weight"},
    ("remix", "v3"): {*_V3_GENERATE, "image_weight"},
    ("remix", "v4"): {"prompt", "seed", "resolution", "rendering_speed", "image_weight"},
    ("edit", "legacy"): {"prompt", "mask", "magic_prompt", "num_images", "seed", "style_type"},
    ("edit", "v3"): {
        "prompt",
        "mask",
        "magic_prompt",
        "num_images",
        "seed",
        "rendering_speed",
        "style_type",
        *_STYLE,
        *_CHARACTER,
    },
    ("reframe", "legacy"): {"resolution", "num_images", "seed", "style_type"},
    ("reframe", "v3"): {"resolution", "num_images", "seed", "rendering_speed", *_STYLE},
    ("replace-background", "v3"): {
        "prompt",
        "magic_prompt",
        "num_images",
        "seed",
        "rendering_speed",
        *_STYLE,
    },
    ("upscale", "legacy"): {
        "prompt",
        "resemblance",
        "detail",
        "magic_prompt",
        "num_images",
        "seed",
    },
    ("describe", "legacy"): {"describe_model_version"},
    ("describe", "v4"): {"include_bbox", "include_style_descriptions", "include_tags"},
    # No resolution (it renders the largest size for the ratio), no style fields (§5).
    ("generate-transparent", "v3"): {
        "prompt",
        "seed",
        "upscale_factor",
        "aspect_ratio",
        "rendering_speed",
        "magic_prompt",
        "negative_prompt",
        "num_images",
    },
    ("remove-background", "v3"): set(),  # the image and nothing else
    ("layerize-text", "v3"): {"prompt", "seed"},
    # /v1/edit: its inputs are ``images`` (up to 10), never ``image``.
    ("instruct", "v3"): {
        "prompt",
        "images",
        "num_images",
        "seed",
        "magic_prompt",
        "resolution",
        "aspect_ratio",
        "transparent_background",
    },
}

REQUIRES: dict[str, tuple[str, ...]] = {
    "generate": ("prompt",),
    "remix": ("image", "prompt"),
    "edit": ("image", "mask", "prompt"),
    "upscale": ("image",),
    "reframe": ("image", "resolution"),
    "replace-background": ("image", "prompt"),
    "describe": ("image",),
    "generate-transparent": ("prompt",),
    "remove-background": ("image",),
    "layerize-text": ("image",),
    "instruct": ("prompt", "images"),
}

# Human names for messages.
LABELS = {
    "prompt": "a prompt",
    "image": "an input image",
    "mask": "a mask",
    "resolution": "a resolution",
    "negative_prompt": "a negative prompt",
    "aspect_ratio": "an aspect ratio",
    "style_type": "a style type",
    "style_preset": "a style preset",
    "style_codes": "style codes",
    "color_palette": "a color palette",
    "rendering_speed": "a rendering speed",
    "magic_prompt": "a magic prompt setting",
    "num_images": "more than one image",
    "image_weight": "an image weight",
    "resemblance": "a resemblance",
    "detail": "a detail level",
    "describe_model_version": "a describe model version",
    "style_reference_images": "style reference images",
    "character_reference_images": "character reference images",
    "character_reference_images_mask": "character reference masks",
    "seed": "a seed",
    "json_prompt": "a JSON prompt",
    "include_bbox": "the bounding-box switch (4.0 describe only)",
    "include_style_descriptions": "the style-description switch (4.0 describe only)",
    "include_tags": "the tags switch (4.0 describe only)",
    "upscale_factor": "an upscale factor (generate-transparent only)",
    "transparent_background": "the transparent-background switch (instruct only)",
    "images": "input images (instruct takes --image, up to 10)",
}
