"""Shared read-only links over HTTP, on SQLite and PostgreSQL: a link opens its own page and the
bytes of what that page shows, nothing else; guesses are 404, ended links 410; only editors make
links; labels are escaped; the secret is stored only as a hash."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from ideogram_fake import FakeServer
from ideovault.vault import Vault
from ideovault.web import WebSettings, create_app
from ideovault.web.serve import ServerThread
from tests.web.conftest import CHANGE, open_vault


@dataclass
class Served:
    vault: Vault
    url: str
    keys: dict[str, str]

    def as_(self, who: str) -> httpx.Client:
        headers = {**CHANGE, "Authorization": f"Bearer {self.keys[who]}"}
        return httpx.Client(base_url=self.url, headers=headers, timeout=60)

    def anyone(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=60)

    def share(self, who: str, what: str, **body: object) -> tuple[str, str]:
        """(share id, link path) made through the REST route."""
        with self.as_(who) as c:
            made = c.post("/api/shares", json={"what": what, **body})
        assert made.status_code == 200, made.text
        return made.json()["share"]["id"], made.json()["path"]


@pytest.fixture
def served(tmp_path: Path, fake: FakeServer, catalog_url: str) -> Iterator[Served]:
    with open_vault(tmp_path / "home", fake, catalog_url) as vault:
        for name, role in (("ada", "admin"), ("ed", "editor"), ("vi", "viewer")):
            vault.people.add_user(name, role, "test")
        keys = {n: vault.people.create_key(n, [], None, "test")[1] for n in ("ada", "ed", "vi")}
        with ServerThread(create_app(vault, WebSettings(port=0))) as running:
            yield Served(vault, running.url, keys)


def _find(vault: Vault, words: str) -> list[str]:
    return [r.id for r in vault.images.search(words).records]


def test_an_image_link_shows_that_image_and_nothing_else(served: Served) -> None:
    vault = served.vault
    a, b = _find(vault, "fox neon")[0], _find(vault, "bakery")[0]
    _, path = served.share("ed", a[:13])  # a unique prefix names the image
    with served.anyone() as anyone:
        page = anyone.get(path)
        assert page.status_code == 200 and "text/html" in page.headers["content-type"]
        assert f"{path}/images/{a}/thumbnail" in page.text and b not in page.text
        assert page.headers["cache-control"] == "private, no-cache"
        original = anyone.get(f"{path}/images/{a}/original")
        assert original.status_code == 200
        assert hashlib.sha256(original.content).hexdigest() == vault.images.get(a).sha256
        assert anyone.get(f"{path}/images/{a}/thumbnail").headers["content-type"] == "image/webp"
        assert anyone.head(f"{path}/images/{a}/original").status_code == 200
        # IDOR: the link for A opens neither B's bytes nor A's by a prefix
        others = [
            f"{path}/images/{b}/original",
            f"{path}/images/{b}/thumbnail",
            f"{path}/images/{a[:13]}/original",
            f"{path}/images/{b}",
        ]
        for other in others:
            assert anyone.get(other).status_code in (400, 404), other
        # no other route opens with the link's token, however it is offered
        token = path.removeprefix("/s/")
        for way in ({"Authorization": f"Bearer {token}"}, {"Cookie": f"ideovault_session={token}"}):
            for route in ("/api/images", f"/api/images/{b}/original", "/", "/api/shares"):
                assert anyone.get(route, headers=way).status_code == 401, (route, way)
        assert anyone.get("/api/images", params={"token": token}).status_code == 401


def test_a_search_link_is_evaluated_when_viewed_and_never_shows_the_trash(
    served: Served,
) -> None:
    vault = served.vault
    lighthouses = _find(vault, "lighthouse")
    fox = _find(vault, "fox neon")[0]
    assert len(lighthouses) == 2
    with served.as_("ed") as ed:
        refused = ed.post("/api/shares", json={"what": "lighthouse is:trashed"})
        assert refused.status_code == 400 and "never shows the trash" in refused.text
    _, path = served.share("ed", "lighthouse", label="Dawn")
    with served.anyone() as anyone:
        page = anyone.get(path).text
        assert all(f"/images/{i}/thumbnail" in page for i in lighthouses) and fox not in page
        vault.upkeep.trash([lighthouses[0]])
        page = anyone.get(path).text
        assert lighthouses[0] not in page and lighthouses[1] in page
        assert anyone.get(f"{path}/images/{lighthouses[0]}/original").status_code == 404
        assert anyone.get(f"{path}/images/{fox}/original").status_code == 404
        vault.images.tag([fox], ["lighthouse"])  # now the query matches it
        assert fox in anyone.get(path).text
        assert anyone.get(f"{path}/images/{fox}/original").status_code == 200


def test_guessed_expired_and_revoked_links(served: Served) -> None:
    vault = served.vault
    image = _find(vault, "bakery")[0]
    share_id, path = served.share("ed", image)
    wrong_secret = path[: -len("x")] + ("A" if path[-1] != "A" else "B")
    guesses = [f"/s/ivs_{'0' * 32}_{'A' * 43}", "/s/anything", f"/s/ivs_{share_id}", wrong_secret,
               f"/s/ivs_{share_id}_{'A' * 43}/images/{image}/original"]  # fmt: skip
    with served.anyone() as anyone:
        for guess in guesses:
            answer = anyone.get(guess)
            assert answer.status_code == 404 and image not in answer.text, guess
        with served.as_("ada") as ada:  # an editor may not end an admin's link, and back
            ada_id, ada_path = served.share("ada", image)
            with served.as_("ed") as ed:
                refused = ed.post(f"/api/shares/{ada_id}/revoke")
                assert refused.status_code == 403
                assert ed.post(f"/api/shares/{'f' * 32}/revoke").status_code == 404
            assert ada.post(f"/api/shares/{share_id}/revoke").status_code == 200
        for url in (path, f"{path}/images/{image}/original", f"{path}/images/{image}/thumbnail"):
            gone = anyone.get(url)
            assert gone.status_code == 410 and image not in gone.text, url
        past = datetime.now(UTC) - timedelta(seconds=1)
        with vault.context.catalog.engine.begin() as conn:
            from sqlalchemy import update

            from ideovault.catalog.schema import shares as table

            conn.execute(update(table).where(table.c.id == ada_id).values(expires_at=past))
        assert anyone.get(ada_path).status_code == 410
        assert anyone.get(f"{ada_path}/images/{image}/original").status_code == 410
    actions = [(e.actor, e.action, e.target) for e in vault.people.audit_entries()]
    assert ("ed", "share.create", share_id) in actions
    assert ("ada", "share.revoke", share_id) in actions
    assert ("ed", "share.revoke", ada_id) not in actions


def test_only_editors_make_links_and_labels_are_escaped(served: Served) -> None:
    with served.as_("vi") as vi:
        assert vi.post("/api/shares", json={"what": "fox"}).status_code == 403
        assert vi.get("/api/shares").status_code == 403
    label = "<script>window.pwned=1</script>"
    _, path = served.share("ed", "fox", label=label, search=True)
    with served.anyone() as anyone:
        page = anyone.get(path).text
    assert label not in page and "&lt;script&gt;window.pwned=1&lt;/script&gt;" in page
    with served.as_("ed") as ed:
        listed = ed.get("/api/shares").json()
        bad = ed.post("/api/shares", json={"what": "fox (", "expires": "1d"})
        assert bad.status_code == 400 and "position" in bad.json()["detail"]
        assert ed.post("/api/shares", json={"what": "fox", "expires": "0d"}).status_code == 400
        assert ed.post("/api/shares", json={"what": "fox", "expires": "9y"}).status_code == 400
    assert [s["label"] for s in listed] == [label] and listed[0]["created_by"] == "ed"
    secret = path.rsplit("_", 1)[1]
    assert secret not in str(listed) and secret not in str(served.vault.shares.store().list())
    assert all(len(s.secret_sha256) == 64 for s in served.vault.shares.store().list())


def test_a_link_opens_without_the_servers_token(tmp_path: Path, fake: FakeServer) -> None:
    """A vault guarded by IDEOVAULT_TOKEN (no users): the link's page and images open without
    the token, every other route still wants it."""
    token = "t" * 24
    with open_vault(tmp_path / "home", fake) as vault:
        image = _find(vault, "bakery")[0]
        _, path = vault.shares.create(image, timedelta(days=1))
        app = create_app(vault, WebSettings(port=0, token=token))
        with ServerThread(app) as running, httpx.Client(base_url=running.url) as anyone:
            assert anyone.get(path).status_code == 200
            assert anyone.get(f"{path}/images/{image}/thumbnail").status_code == 200
            assert anyone.get("/static/share.css").status_code == 200
            assert anyone.get(f"/api/images/{image}/original").status_code == 401
            assert anyone.get("/static/app.css").status_code == 401
            assert anyone.get("/").status_code == 401
