"""Settings: flags win over the environment, which wins over ``ideovault.toml`` in the home.

Only this module reads the environment, so tests and the web server can build a vault from an
explicit :class:`Settings` instead.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import platformdirs

from ideovault import config_checks as checks
from ideovault import config_oidc, nesting
from ideovault.errors import UserError

DEFAULT_BASE_URL = "https://api.ideogram.ai"
CONFIG_FILE = "ideovault.toml"


@dataclass(frozen=True)
class Settings:
    """Everything a vault needs to open. ``api_key`` is kept out of ``repr`` on purpose."""

    home: Path
    database_url: str
    storage_url: str
    base_url: str = DEFAULT_BASE_URL
    api_key: str | None = field(default=None, repr=False)
    public_base_url: str | None = None  # e.g. a CDN in front of the bucket
    link_ttl_seconds: float = 3600.0
    request_timeout: float = 180.0
    download_workers: int = 4
    max_retries: int = 5
    retry_backoff: float = 1.0
    extra: dict[str, Any] = field(default_factory=dict, repr=False)
    oidc: config_oidc.OidcSettings | None = field(default=None, repr=False)  # config_oidc.py

    def with_overrides(self, **changes: Any) -> Settings:
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


def default_home() -> Path:
    return Path(platformdirs.user_data_dir("ideovault", appauthor=False))


def _read_toml(home: Path) -> dict[str, Any]:
    path = home / CONFIG_FILE
    if not path.is_file():
        return {}
    try:
        with path.open("rb") as fh:
            doc: dict[str, Any] = nesting.check(tomllib.load(fh))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UserError(f"{path} is not valid TOML ({exc}); fix or remove it.") from exc
    except (RecursionError, nesting.TooDeep):
        raise UserError(f"{path} is not accepted: {nesting.TooDeep()}") from None
    except OSError as exc:
        raise UserError(f"{path} cannot be read ({exc.strerror or exc})") from None
    checks.check_toml(doc, path)
    return doc


def load_settings(
    home: str | Path | None = None,
    database_url: str | None = None,
    storage_url: str | None = None,
    api_key: str | None = None,
    base_url: str | None = None,
    env: dict[str, str] | None = None,
) -> Settings:
    """Resolve the settings from flags, then environment, then ``ideovault.toml``, then defaults.

    Every value is checked here (``config_checks``), so that a bad one fails before anything is
    written or sent, with a message naming where it came from.
    """
    env = dict(os.environ) if env is None else env
    home_from = "--home" if home else "IDEOVAULT_HOME" if env.get("IDEOVAULT_HOME") else "home"
    home_path = Path(home or env.get("IDEOVAULT_HOME") or default_home()).expanduser()
    checks.home(home_path, home_from)
    toml = _read_toml(home_path)
    core = toml.get("ideovault", toml)  # accept a [ideovault] table or top-level keys
    file = home_path / CONFIG_FILE

    def pick(flag: str | None, env_name: str, toml_name: str, default: str | None) -> str | None:
        return pick_from(flag, env_name, toml_name, default)[0]

    def pick_from(
        flag: str | None, env_name: str, toml_name: str, default: str | None
    ) -> tuple[str | None, str]:
        if flag:
            return flag, f"--{toml_name.replace('_', '-')}"
        if env.get(env_name):
            return env[env_name], env_name
        value = core.get(toml_name)
        if value is not None and not isinstance(value, str):
            raise UserError(f"{CONFIG_FILE}: '{toml_name}' must be a string.")
        return value or default, f"{file}: '{toml_name}'"

    db = pick(database_url, "IDEOVAULT_DATABASE_URL", "database_url", None)
    storage = pick(storage_url, "IDEOVAULT_STORAGE_URL", "storage_url", None)
    base, base_from = pick_from(base_url, "IDEOGRAM_BASE_URL", "base_url", DEFAULT_BASE_URL)
    key = api_key or env.get("IDEOGRAM_API_KEY") or None
    if key is not None:
        checks.api_key(key, "the API key" if api_key else "IDEOGRAM_API_KEY")
    public, public_from = pick_from(None, "IDEOVAULT_PUBLIC_BASE_URL", "public_base_url", None)
    if core.get("api_key"):
        raise UserError(
            f"{CONFIG_FILE} must not hold the API key; set IDEOGRAM_API_KEY in the environment."
        )
    base = checks.base_url(base or DEFAULT_BASE_URL, base_from)
    if public:
        checks.base_url(public, public_from)

    def number(name: str, default: float) -> float:
        low, high, whole = checks.CORE_NUMBERS[name]
        return checks.number(core.get(name, default), f"{file}: '{name}'", low, high, whole)

    return Settings(
        home=home_path,
        database_url=db or f"sqlite:///{home_path / 'catalog.db'}",
        storage_url=storage or str(home_path / "blobs"),
        base_url=base.rstrip("/"),
        api_key=key,
        public_base_url=public.rstrip("/") if public else None,
        link_ttl_seconds=number("link_ttl_seconds", 3600.0),
        request_timeout=number("request_timeout", 180.0),
        download_workers=int(number("download_workers", 4)),
        max_retries=int(number("max_retries", 5)),
        retry_backoff=number("retry_backoff", 1.0),
        extra={k: v for k, v in toml.items() if k != "ideovault"},
        oidc=config_oidc.load(toml, env, file),
    )
