"""Every value of the configuration checked when it is loaded, never when it is first used.

A setting that is only checked on use fails late — ``link_ttl_seconds = inf`` used to fail
after the API had answered, losing a billed image — or not at all: NaN compares false with
everything, so ``--budget nan`` let any request through. So every number must be finite and in
its range, every section of ``ideovault.toml`` must be a table of known keys, and the API root
and key must be usable in an HTTP request, all before anything is written or sent. Each message
names the key and where it came from.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ideovault.errors import UserError

# (low, high, whole): a number must be finite and low < x <= high (or low <= x for whole counts)
CORE_NUMBERS: dict[str, tuple[float, float, bool]] = {
    "link_ttl_seconds": (0, 7 * 86400, False),
    "request_timeout": (0, 3600, False),
    "download_workers": (1, 64, True),
    "max_retries": (0, 20, True),
    "retry_backoff": (0, 300, False),
}
TOP_NUMBERS: dict[str, tuple[float, float, bool]] = {
    "async_poll_interval": (0, 86400, False),
    "async_timeout": (0, 86400, False),
}
TOP_STRINGS = ("dedupe", "webhook_url", "database_url", "storage_url", "base_url",
               "public_base_url")  # fmt: skip
SECTIONS = ("ideovault", "budget", "prices", "limits", "cleanup", "oidc")
BUDGET_KEYS = ("daily_usd", "monthly_usd")
LIMIT_KEYS = ("max_in_flight", "calls_per_minute")
MAX_PRICE_USD = 1000.0  # per image; anything above is a typo, and would overflow totals
MAX_USD = 1e9  # a budget or --budget above this is no limit at all

_API_KEY = re.compile(r"[\x21-\x7e]{1,512}")  # printable ASCII, no spaces: an HTTP header value


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:40] + "…"


def number(value: Any, where: str, low: float, high: float, whole: bool = False) -> float:
    """A finite number in range; ``where`` names the key and its file or flag."""
    if whole:
        ok = isinstance(value, int) and not isinstance(value, bool) and low <= value <= high
        if not ok:
            raise UserError(
                f"{where} must be a whole number from {low:g} to {high:g}, not {_shown(value)}"
            )
        return float(value)
    ok = (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and low < value <= high
    )
    if not ok:
        raise UserError(
            f"{where} must be a finite number above {low:g} and at most {high:g}, "
            f"not {_shown(value)}"
        )
    return float(value)


def usd(value: float | None, where: str) -> float | None:
    """A dollar amount (a budget): finite, 0 or more. NaN would let every request through."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise UserError(f"{where} must be a number of dollars, not {_shown(value)}")
    if not math.isfinite(value) or not 0 <= value <= MAX_USD:
        raise UserError(
            f"{where} must be a finite number of dollars, 0 or more, not {_shown(value)}"
        )
    return float(value)


def _table(doc: dict[str, Any], name: str, file: Path) -> dict[str, Any]:
    value = doc.get(name, {})
    if not isinstance(value, dict):
        raise UserError(f"{file}: [{name}] must be a table, not {_shown(value)}")
    return value


def _known(table: dict[str, Any], keys: tuple[str, ...], section: str, file: Path) -> None:
    unknown = sorted(set(table) - set(keys))
    if unknown:
        raise UserError(
            f"{file}: [{section}] has unknown key(s) {', '.join(unknown)}; known: {', '.join(keys)}"
        )


def check_toml(doc: dict[str, Any], file: Path) -> None:
    """The sections and top-level values of ``ideovault.toml`` (the core keys are checked
    by ``config.load_settings`` as it reads them)."""
    for name in SECTIONS:
        _table(doc, name, file)
    core = doc.get("ideovault", doc)
    for name in TOP_STRINGS:
        for table in (doc, core):
            if name in table and not isinstance(table[name], str):
                raise UserError(f"{file}: '{name}' must be a string, not {_shown(table[name])}")
    for name, (low, high, whole) in TOP_NUMBERS.items():
        if name in doc:
            number(doc[name], f"{file}: '{name}'", low, high, whole)
    budget = _table(doc, "budget", file)
    _known(budget, BUDGET_KEYS, "budget", file)
    for name in BUDGET_KEYS:
        if name in budget:
            usd(budget[name], f"{file}: [budget] {name}")
    limits = _table(doc, "limits", file)
    _known(limits, LIMIT_KEYS, "limits", file)
    for name in LIMIT_KEYS:
        if name in limits:
            number(limits[name], f"{file}: [limits] {name}", 0, 100_000, whole=True)
    for model, value in _table(doc, "prices", file).items():
        rates = value if isinstance(value, dict) else {"": value}
        for speed, rate in rates.items():
            where = f"{file}: [prices] {model}" + (f".{speed}" if speed else "")
            if isinstance(rate, bool) or not isinstance(rate, int | float):
                raise UserError(f"{where} must be a price in dollars, not {_shown(rate)}")
            if not math.isfinite(rate) or not 0 <= rate <= MAX_PRICE_USD:
                raise UserError(
                    f"{where} must be a price from 0 to {MAX_PRICE_USD:g} dollars, "
                    f"not {_shown(rate)}"
                )
    cleanup = _table(doc, "cleanup", file)
    policies = cleanup.get("policies", {})
    if not isinstance(policies, dict) or not all(isinstance(p, dict) for p in policies.values()):
        raise UserError(f"{file}: [cleanup.policies] must hold one table per policy")


def base_url(value: str, where: str) -> str:
    """The API root: an http(s) URL with a host, nothing that httpx would refuse later."""
    if any(c.isspace() or ord(c) < 0x20 or ord(c) == 0x7F for c in value):
        raise UserError(f"{where} holds a space or a control character (a stray newline?)")
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018  (a bad port raises here)
    except ValueError as exc:
        raise UserError(f"{where} is not a valid URL ({exc})") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UserError(f"{where} must be an http:// or https:// URL with a host, like "
                        "https://api.ideogram.ai")  # fmt: skip
    return value


def api_key(value: str, where: str) -> str:
    """A key must fit in an HTTP header: printable ASCII without spaces. Never shown."""
    if not _API_KEY.fullmatch(value):
        raise UserError(
            f"{where} is not a valid API key: it must be printable ASCII without spaces or "
            "line breaks (check how it was copied)"
        )
    return value


def home(path: Path, where: str) -> Path:
    """The vault's folder must be a folder (or not exist yet)."""
    if path.exists() and not path.is_dir():
        raise UserError(f"{where} {path} is not a folder")
    return path
