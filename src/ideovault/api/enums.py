"""The API's enumerations, kept as data (they change; see docs/ideogram-api.md §3).

Shared by the client (to validate before any credit is spent) and the fake server (to answer
400 the way the real API does).
"""

LEGACY_MODELS = ("V_1", "V_1_TURBO", "V_2", "V_2_TURBO", "V_2A", "V_2A_TURBO")
V3_MODEL = "V_3"
V4_MODEL = "V_4"  # our name for Ideogram 4.0: its routes are chosen by URL, never sent
MODELS = (*LEGACY_MODELS, V3_MODEL, V4_MODEL)
DEFAULT_MODEL = V3_MODEL

# Aspect ratios, in our normal form "WxH". Legacy sends them as ASPECT_W_H.
LEGACY_ASPECTS = ("1x1", "16x9", "9x16", "4x3", "3x4", "3x2", "2x3", "16x10", "10x16", "1x3", "3x1")
V3_ASPECTS = (
    "1x3", "3x1", "1x2", "2x1", "9x16", "16x9", "10x16", "16x10",
    "2x3", "3x2", "3x4", "4x3", "4x5", "5x4", "1x1",
)  # fmt: skip

_LEGACY_RES = """512_1536 576_1408 576_1472 576_1536 640_1024 640_1344 640_1408 640_1472 640_1536
704_1152 704_1216 704_1280 704_1344 704_1408 704_1472 720_1280 736_1312 768_1024 768_1088 768_1152
768_1216 768_1232 768_1280 768_1344 832_960 832_1024 832_1088 832_1152 832_1216 832_1248 864_1152
896_960 896_1024 896_1088 896_1120 896_1152 960_832 960_896 960_1024 960_1088 1024_640 1024_768
1024_832 1024_896 1024_960 1024_1024 1088_768 1088_832 1088_896 1088_960 1120_896 1152_704
1152_768 1152_832 1152_864 1152_896 1216_704 1216_768 1216_832 1232_768 1248_832 1280_704
1280_720 1280_768 1280_800 1312_736 1344_640 1344_704 1344_768 1408_576 1408_640 1408_704
1472_576 1472_640 1472_704 1536_512 1536_576 1536_640"""
LEGACY_RESOLUTIONS = tuple(r.replace("_", "x") for r in _LEGACY_RES.split())

_V3_RES = """512x1536 576x1408 576x1472 576x1536 640x1344 640x1408 640x1472 640x1536 704x1152
704x1216 704x1280 704x1344 704x1408 704x1472 736x1312 768x1088 768x1216 768x1280 768x1344 800x1280
832x960 832x1024 832x1088 832x1152 832x1216 832x1248 864x1152 896x960 896x1024 896x1088 896x1120
896x1152 960x832 960x896 960x1024 960x1088 1024x832 1024x896 1024x960 1024x1024 1088x768 1088x832
1088x896 1088x960 1120x896 1152x704 1152x832 1152x864 1152x896 1216x704 1216x768 1216x832
1248x832 1280x704 1280x768 1280x800 1312x736 1344x640 1344x704 1344x768 1408x576 1408x640
1408x704 1472x576 1472x640 1472x704 1536x512 1536x576 1536x640"""
V3_RESOLUTIONS = tuple(_V3_RES.split())

# Models that take `resolution` on the legacy route (V_2 family only).
LEGACY_RESOLUTION_MODELS = ("V_2", "V_2_TURBO")
# Models that take a negative prompt.
NEGATIVE_PROMPT_MODELS = ("V_1", "V_1_TURBO", "V_2", "V_2_TURBO", V3_MODEL)
# Models that take a color palette.
COLOR_PALETTE_MODELS = ("V_2", "V_2_TURBO", V3_MODEL)

LEGACY_STYLE_TYPES = ("AUTO", "GENERAL", "REALISTIC", "DESIGN", "RENDER_3D", "ANIME", "FICTION")
V3_STYLE_TYPES = ("AUTO", "GENERAL", "REALISTIC", "DESIGN", "FICTION")

RENDERING_SPEEDS = ("FLASH", "TURBO", "DEFAULT", "QUALITY")
MAGIC_PROMPT = ("AUTO", "ON", "OFF")
PALETTE_PRESETS = ("EMBER", "FRESH", "JUNGLE", "MAGIC", "MELON", "MOSAIC", "PASTEL", "ULTRAMARINE")

MAX_NUM_IMAGES = 8
MAX_SEED = 2_147_483_647

# When only an aspect ratio is given, the size the API (and our fake) renders (§9).
ASPECT_TO_RESOLUTION = {
    "1x1": "1024x1024", "16x9": "1312x736", "9x16": "736x1312", "4x3": "1152x864",
    "3x4": "864x1152", "3x2": "1248x832", "2x3": "832x1248", "16x10": "1280x800",
    "10x16": "800x1280", "2x1": "1408x704", "1x2": "704x1408", "3x1": "1536x512",
    "1x3": "512x1536", "5x4": "1120x896", "4x5": "896x1120",
}  # fmt: skip

# 4.0 sizes (optional; omitted, the model chooses). Kept as data: the list grows.
_V4_RES = """2048x2048 1440x2880 2880x1440 1664x2496 2496x1664 1792x2240 2240x1792 1440x2560
2560x1440 1600x2560 2560x1600 1728x2304 2304x1728 1296x3168 3168x1296 1152x2944 2944x1152
1248x3328 3328x1248 1280x3072 3072x1280 1024x3072 3072x1024 1024x1024 896x1120 1120x896 864x1152
1152x864 832x1248 1248x832 800x1280 1280x800 720x1280 1280x720 720x1440 1440x720"""
V4_RESOLUTIONS = tuple(_V4_RES.split())
V4_DEFAULT_RESOLUTION = "2048x2048"  # what the fake renders when none is asked for
V4_RENDERING_SPEEDS = ("TURBO", "DEFAULT", "QUALITY")  # FLASH is refused on every V4 route

_PRESETS = """80S_ILLUSTRATION 90S_NOSTALGIA ABSTRACT_ORGANIC ANALOG_NOSTALGIA ART_BRUT ART_DECO
ART_POSTER
AURA AVANT_GARDE BAUHAUS BLUEPRINT BLURRY_MOTION BRIGHT_ART C4D_CARTOON CHILDRENS_BOOK COLLAGE
COLORING_BOOK_I COLORING_BOOK_II CUBISM DARK_AURA DOODLE DOUBLE_EXPOSURE DRAMATIC_CINEMA
EDITORIAL EMOTIONAL_MINIMAL ETHEREAL_PARTY EXPIRED_FILM FLAT_ART FLAT_VECTOR FOREST_REVERIE
GEO_MINIMALIST GLASS_PRISM GOLDEN_HOUR GRAFFITI_I GRAFFITI_II HALFTONE_PRINT HIGH_CONTRAST
HIPPIE_ERA ICONIC JAPANDI_FUSION JAZZY LONG_EXPOSURE MAGAZINE_EDITORIAL MINIMAL_ILLUSTRATION
MIXED_MEDIA MONOCHROME NIGHTLIFE OIL_PAINTING OLD_CARTOONS PAINT_GESTURE POP_ART RETRO_ETCHING
RIVIERA_POP SPOTLIGHT_80S STYLIZED_RED SURREAL_COLLAGE TRAVEL_POSTER VINTAGE_GEO VINTAGE_POSTER
WATERCOLOR WEIRD WOODBLOCK_PRINT"""
STYLE_PRESETS = tuple(_PRESETS.split())  # 62 in the reference

DESCRIBE_MODEL_VERSIONS = ("V_2", "V_3", "V_4")
LEGACY_EDIT_MODELS = ("V_2", "V_2_TURBO")  # legacy /edit takes no other model
UPSCALE_MODEL = "UPSCALE"  # recorded as the model of /upscale outputs (the route has none)
DESCRIBE_MODEL = "DESCRIBE"
# Recorded as the model of /v1/ideogram-v4/describe calls: a JSON prompt, not text (§6.3).
DESCRIBE_V4_MODEL = "DESCRIBE_V4"
# Recorded as the model of the two /v1 routes that have none to choose (§5): remove-background
# and edit by instruction (``/v1/edit``). Both are flat /v1 multipart routes, so their family is
# "v3" (the V3 lists of sizes and ratios apply to /v1/edit).
REMOVE_BACKGROUND_MODEL = "REMOVE_BACKGROUND"
INSTRUCT_MODEL = "EDIT_INSTRUCT"
UPSCALE_FACTORS = ("X1", "X2", "X4")  # generate-transparent; X1 is the API's default
MAX_INSTRUCT_IMAGES = 10  # /v1/edit takes up to 10 input images

# Uploads (§1): JPEG, PNG or WebP, at most 10 MB a file; reference images 10 MB in total per
# kind; at most one character reference.
UPLOAD_FORMATS = ("image/png", "image/jpeg", "image/webp")
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_REFERENCE_BYTES_TOTAL = 10 * 1024 * 1024
MAX_CHARACTER_REFERENCES = 1
MAX_STYLE_REFERENCES = 3  # our own cap: the reference only bounds their total size

LEGACY_ENDPOINT = "/generate"
V3_ENDPOINT = "/v1/ideogram-v3/generate"
V4_ENDPOINT = "/v1/ideogram-v4/generate"

# Image-input routes, by operation and model family ("legacy", "v3", "v4").
OPERATION_ENDPOINTS: dict[str, dict[str, str]] = {
    "remix": {"legacy": "/remix", "v3": "/v1/ideogram-v3/remix", "v4": "/v1/ideogram-v4/remix"},
    "edit": {"legacy": "/edit", "v3": "/v1/ideogram-v3/inpaint"},
    "reframe": {"legacy": "/reframe", "v3": "/v1/ideogram-v3/reframe"},
    "replace-background": {"v3": "/v1/ideogram-v3/replace-background"},
    "upscale": {"legacy": "/upscale"},
    "describe": {"legacy": "/describe", "v4": "/v1/ideogram-v4/describe"},
    "generate-transparent": {"v3": "/v1/ideogram-v3/generate-transparent"},
    "remove-background": {"v3": "/v1/remove-background"},
    "layerize-text": {"v3": "/v1/ideogram-v3/layerize-text"},
    "instruct": {"v3": "/v1/edit"},
}
V3_EDIT_ALIAS = "/v1/ideogram-v3/edit"  # the deprecated twin of /inpaint; the fake serves both


# The other 4.0 routes (§6.3, §8).
V4_ASYNC_ENDPOINT = "/v1/ideogram-v4/async/generate"
V4_MAGIC_PROMPT_ENDPOINT = "/v1/ideogram-v4/magic-prompt"
GENERATIONS_PATH = "/v1/generations/"  # + the async generation id, to poll
JWKS_PATH = "/v1/.well-known/jwks.json"  # the webhook signing keys
MAX_WEBHOOK_URL_CHARS = 2048

# Aspect ratios of 4.0's magic-prompt (default AUTO: the model picks and says which).
V4_MAGIC_PROMPT_ASPECTS = (
    "AUTO", "1x4", "1x3", "1x2", "9x16", "10x16", "2x3", "3x4", "4x5", "1x1", "5x4", "4x3",
    "3x2", "16x10", "16x9", "2x1", "3x1", "4x1",
)  # fmt: skip


def family(model: str) -> str:
    """``legacy``, ``v3`` or ``v4``: which generation of routes a model uses."""
    if model in (V4_MODEL, DESCRIBE_V4_MODEL):
        return "v4"
    return "v3" if model in (V3_MODEL, REMOVE_BACKGROUND_MODEL, INSTRUCT_MODEL) else "legacy"


def is_legacy(model: str) -> bool:
    return model in LEGACY_MODELS
