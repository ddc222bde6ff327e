"""`ideovault mcp` over stdio, driven by the SDK's client: tools and their schemas, generating
(dry run and real), finding and reusing images, and the originals as resources."""

from __future__ import annotations

import base64
import hashlib
import io
from collections.abc import Callable
from typing import Any

import click
import typer
from mcp import Client
from mcp_types import BlobResourceContents, ImageContent, ResourceLink
from PIL import Image

from ideogram_fake import FakeServer
from ideovault.cli.app import app
from ideovault.vault import Vault
from ideovault.vault.sending import SendOptions
from tests.mcp.conftest import Scenario, data_of

TOOLS = {
    "generate", "remix", "edit", "upscale", "reframe", "replace_background", "describe",
    "search", "show", "similar", "lineage", "tag", "star", "rate", "reproduce", "report",
}  # fmt: skip
# `ideovault generate` options whose tool argument has another name (the API's, mostly).
RENAMED = {
    "style": "style_type", "aspect": "aspect_ratio", "negative": "negative_prompt",
    "speed": "rendering_speed", "palette": "color_palette", "style_code": "style_codes",
    "preset": "style_preset", "style_ref": "style_reference_images",
    "character_ref": "character_reference_image", "character_mask": "character_reference_mask",
    "tag": "tags", "use_async": "use_async",
}  # fmt: skip
NOT_A_TOOL_ARGUMENT = {"as_json"}  # MCP results are always JSON


def cli_options(name: str) -> set[str]:
    """The options of a CLI command, which the group loads on use (``cli/commands.py``)."""
    group: Any = typer.main.get_command(app)
    command = group.get_command(click.Context(group), name)
    return {p.name for p in command.params if p.name} - NOT_A_TOOL_ARGUMENT


def test_every_tool_is_listed_with_a_described_bounded_schema(
    over_stdio: Callable[[Scenario], None],
) -> None:
    async def scenario(client: Client) -> None:
        tools = {t.name: t for t in (await client.list_tools()).tools}
        assert set(tools) == TOOLS
        for tool in tools.values():
            assert tool.description and len(tool.description) > 80, tool.name
            properties = tool.input_schema["properties"]
            assert "ctx" not in properties  # the SDK's context is not an argument
            assert tool.input_schema["additionalProperties"] is False, tool.name
            for name, schema in properties.items():
                assert schema.get("description"), f"{tool.name}.{name} has no description"
        generate = tools["generate"].input_schema["properties"]
        for option in cli_options("generate"):
            assert RENAMED.get(option, option) in generate, f"generate lacks --{option}"
        assert generate["prompt"]["maxLength"] == 10_000
        assert generate["num_images"]["type"] == "integer"
        for name in ("remix", "edit", "upscale", "reframe", "replace_background"):
            schema = tools[name].input_schema
            assert "source" in schema["required"]
            assert {"dry_run", "budget", "tags", "force"} <= set(schema["properties"])
        assert tools["edit"].input_schema["required"] == ["source", "prompt", "mask"]
        assert tools["search"].input_schema["properties"]["query"]["maxLength"] == 2000
        assert tools["search"].annotations and tools["search"].annotations.read_only_hint
        templates = (await client.list_resource_templates()).resource_templates
        assert [t.uri_template for t in templates] == ["ideovault://image/{image_id}"]

    over_stdio(scenario)


def test_dry_run_quotes_without_sending_then_generate_stores_and_shows(
    over_stdio: Callable[[Scenario], None], fake: FakeServer, vault: Vault
) -> None:
    seen: dict[str, Any] = {}

    async def scenario(client: Client) -> None:
        dry = await client.call_tool(
            "generate", {"prompt": "a red fox", "num_images": 2, "dry_run": True}
        )
        quote = data_of(dry)["quote"]
        assert quote["num_images"] == 2 and quote["estimated_usd"] > 0
        assert quote["endpoint"] == "/v1/ideogram-v3/generate"
        assert fake.stats()["generate_calls"] == 0

        progress: list[tuple[float, float | None, str | None]] = []

        async def on_progress(done: float, total: float | None, message: str | None) -> None:
            progress.append((done, total, message))

        made = await client.call_tool(
            "generate",
            {"prompt": "a red fox", "num_images": 2, "seed": 77, "tags": ["Fox Poster"]},
            progress_callback=on_progress,
        )
        images = data_of(made)["images"]
        assert fake.stats()["generate_calls"] == 1
        assert [i["status"] for i in images] == ["stored", "stored"]
        assert all(i["tags"] == ["fox-poster"] and i["seed"] == 77 for i in images)
        assert progress[0][2] == "asking Ideogram" and progress[-1][:2] == (3, 3)
        thumbnails = [c for c in made.content if isinstance(c, ImageContent)]
        links = [c for c in made.content if isinstance(c, ResourceLink)]
        assert len(thumbnails) == 2 and [str(link.uri) for link in links] == [
            f"ideovault://image/{i['id']}" for i in images
        ]
        with Image.open(io.BytesIO(base64.b64decode(thumbnails[0].data))) as picture:
            assert picture.format == "WEBP" and max(picture.size) <= 256
        original = await client.read_resource(links[0].uri)
        blob = original.contents[0]
        assert isinstance(blob, BlobResourceContents)
        assert hashlib.sha256(base64.b64decode(blob.blob)).hexdigest() == images[0]["sha256"]
        seen["ids"] = [i["id"] for i in images]

    over_stdio(scenario)
    stored = [vault.images.get(i) for i in seen["ids"]]  # really in the catalog, really on disk
    assert all(r.local_path and r.status == "stored" for r in stored)


def test_search_show_similar_lineage_tag_star_report(
    over_stdio: Callable[[Scenario], None], vault: Vault
) -> None:
    fox = vault.generations.generate(
        "a red fox under a neon sign", seed=5, options=SendOptions(tags=("poster",))
    )[0]
    vault.generations.generate("watercolor lighthouse at dawn", num_images=2)
    child = vault.generations.remix(fox.id, "the same fox, in winter", seed=6)[0]

    async def scenario(client: Client) -> None:
        found = data_of(await client.call_tool("search", {"query": 'tag:poster "neon sign"'}))
        assert [i["id"] for i in found["images"]] == [fox.id]
        assert found["images"][0]["resource"] == f"ideovault://image/{fox.id}"
        newest = await client.call_tool("search", {"query": "", "limit": 2, "thumbnails": 1})
        page = data_of(newest)
        assert page["count"] == 2 and page["next_cursor"]
        assert sum(isinstance(c, ImageContent) for c in newest.content) == 1
        more = data_of(
            await client.call_tool("search", {"query": "", "cursor": page["next_cursor"]})
        )
        assert len(more["images"]) == 2  # four images in all

        shown = await client.call_tool("show", {"image_id": fox.id[:13]})
        assert data_of(shown)["prompt"] == "a red fox under a neon sign"
        assert data_of(shown)["local_path"] == fox.local_path  # stdio: the same machine
        assert any(isinstance(c, ImageContent) for c in shown.content)

        matches = data_of(await client.call_tool("similar", {"image_id": fox.id}))["matches"]
        assert matches and all("distance" in m for m in matches)

        tree = data_of(await client.call_tool("lineage", {"image_id": child.id}))
        assert [a["id"] for a in tree["ancestors"]] == [fox.id]
        assert (
            data_of(await client.call_tool("lineage", {"image_id": fox.id}))["descendants"][0]["id"]
            == child.id
        )

        tagged = await client.call_tool(
            "tag", {"image_ids": [fox.id], "add": ["hero"], "remove": ["poster"]}
        )
        assert data_of(tagged)["images"][0]["tags"] == ["hero"]
        starred = await client.call_tool("star", {"image_ids": [fox.id]})
        assert data_of(starred)["images"][0]["starred"] is True
        assert [
            i["id"]
            for i in data_of(await client.call_tool("search", {"query": "is:starred"}))["images"]
        ] == [fox.id]

        rated = await client.call_tool("rate", {"image_ids": [fox.id], "rating": 4})
        assert data_of(rated)["images"][0]["rating"] == 4
        found = data_of(await client.call_tool("search", {"query": "rating:>=4"}))["images"]
        assert [i["id"] for i in found] == [fox.id]
        assert (await client.call_tool("rate", {"image_ids": [fox.id], "rating": 9})).is_error

        report = data_of(await client.call_tool("report", {}))
        assert report["total"]["images"] == 4 and report["by_rating"]["4"] == 1

    over_stdio(scenario)
    assert vault.images.get(fox.id).starred  # changed in the catalog, not only in the answer


def test_reproduce_answers_from_the_vault_then_calls_when_forced(
    over_stdio: Callable[[Scenario], None], vault: Vault, fake: FakeServer
) -> None:
    original = vault.generations.generate("a lighthouse", seed=42)[0]
    fake.reset()

    async def scenario(client: Client) -> None:
        again = data_of(await client.call_tool("reproduce", {"image_id": original.id}))
        assert again["reused"] is True and again["original_id"] == original.id
        assert fake.stats()["generate_calls"] == 0
        forced = data_of(
            await client.call_tool("reproduce", {"image_id": original.id, "force": True})
        )
        assert fake.stats()["generate_calls"] == 1
        new = forced["images"][0]
        assert new["parent_id"] == original.id and "reproduced" in new["tags"]
        assert forced["identical"] in (True, False)

    over_stdio(scenario)
