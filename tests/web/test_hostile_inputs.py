"""Input images over the web API: a client names them by vault id or sends their bytes; a path
on the server is never read, and the refusal is the same whatever is (or is not) at that path."""

from __future__ import annotations

import base64
from pathlib import Path

import httpx
import pytest

from ideovault.vault import Vault
from tests.images import image_bytes, image_file
from tests.web.conftest import CHANGE

# Every upload field of the API parameters (api.params.UPLOAD_FIELDS), as a list or one value.
FIELDS = [
    ("style_reference_images", True),
    ("character_reference_images", True),
    ("character_reference_images_mask", True),
    ("images", True),
    ("image", False),
    ("mask", False),
]


def server_paths(tmp_path: Path) -> list[str]:
    """An image file, a missing file, a directory, a non-image, and a system file."""
    folder = tmp_path / "server-files"
    folder.mkdir()
    text = folder / "notes.txt"
    text.write_text("secret notes")
    return [
        str(image_file(folder, "ref.png")),
        str(folder / "missing.png"),
        str(folder),
        str(text),
        "/etc/passwd",
        "../../../../etc/hostname",
        "~/.ssh/id_rsa",
        "file:///etc/passwd",
    ]


def send(
    client: httpx.Client, field: str, many: bool, value: object, dry_run: bool
) -> httpx.Response:
    params = {field: [value] if many else value}
    body = {"prompt": "a fox", "params": params, "dry_run": dry_run}
    return client.post("/api/generate", json=body, headers=CHANGE)


@pytest.mark.parametrize(("field", "many"), FIELDS)
def test_a_server_path_is_refused_with_one_message(
    client: httpx.Client, vault: Vault, tmp_path: Path, field: str, many: bool
) -> None:
    before = len(vault.images.list(500).records)
    details = set()
    for path in server_paths(tmp_path):
        for dry_run in (True, False):
            response = send(client, field, many, path, dry_run)
            assert response.status_code == 400, (path, response.text)
            details.add(response.json()["detail"])
    assert len(details) == 1, details  # a missing file, a directory, a non-image: all alike
    (detail,) = details
    assert "vault id" in detail and "server-files" not in detail
    assert len(vault.images.list(500).records) == before  # nothing was read and stored as an upload


def test_a_reference_by_vault_id_or_by_bytes_is_accepted(
    client: httpx.Client, vault: Vault
) -> None:
    source = vault.images.list(1).records[0]
    by_id = send(client, "style_reference_images", True, source.id, dry_run=True)
    assert by_id.status_code == 200, by_id.text
    png = image_bytes(48, 48, color="blue")
    data_url = "data:image/png;base64," + base64.b64encode(png).decode()
    made = send(client, "style_reference_images", True, data_url, dry_run=False)
    assert made.status_code == 200, made.text
    uploaded = vault.images.search("tag:uploaded").records
    assert len(uploaded) == 1 and uploaded[0].size_bytes == len(png)


def test_sent_bytes_are_type_checked(client: httpx.Client, vault: Vault) -> None:
    before = len(vault.images.list(500).records)
    bad = {
        "data:image/png;base64," + base64.b64encode(b"not an image at all").decode(): "not a PNG",
        "data:image/png;base64,@@@": "base64",
        "data:image/png,rawbytes": "base64",
    }
    for value, says in bad.items():
        response = send(client, "character_reference_images", True, value, dry_run=False)
        assert response.status_code == 400 and says in response.json()["detail"], response.text
    unknown = send(client, "style_reference_images", True, "deadbeef", dry_run=True)
    assert unknown.status_code == 400 and "no image in the vault" in unknown.json()["detail"]
    number = send(client, "style_reference_images", True, 12, dry_run=True)
    assert number.status_code == 400 and "vault id" in number.json()["detail"]
    assert len(vault.images.list(500).records) == before
