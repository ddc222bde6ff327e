"""The image operations as tools: each makes a child of its input (by vault id or by file),
describe keeps its words on the record, and lineage shows the family."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from mcp import Client

from ideogram_fake import FakeServer
from ideovault.vault import Vault
from tests.images import image_file
from tests.mcp.conftest import Scenario, data_of


def test_operations_make_children_and_describe_keeps_words(
    over_stdio: Callable[[Scenario], None], vault: Vault, fake: FakeServer, tmp_path: Path
) -> None:
    fox = vault.generations.generate("a red fox", seed=4)[0]  # square, 1024x1024
    photo = image_file(tmp_path, "photo.png", 64, 64)
    mask = image_file(tmp_path, "mask.png", 64, 64, color="black")
    fake.reset()
    made: dict[str, dict[str, object]] = {}

    async def scenario(client: Client) -> None:
        calls: list[tuple[str, dict[str, object]]] = [
            ("remix", {"source": fox.id, "prompt": "the fox in winter", "image_weight": 70}),
            ("upscale", {"source": fox.id[:13], "resemblance": 80}),
            ("reframe", {"source": fox.id, "resolution": "1312x736"}),
            ("replace_background", {"source": fox.id, "prompt": "a snowy forest"}),
            ("edit", {"source": str(photo), "mask": str(mask), "prompt": "add a hat",
                      "model": "V_2_TURBO"}),
        ]  # fmt: skip
        for name, arguments in calls:
            quote = data_of(await client.call_tool(name, {**arguments, "dry_run": True}))
            assert quote["quote"]["estimated_usd"] > 0, name
            made[name] = data_of(await client.call_tool(name, {**arguments, "tags": [name]}))[
                "images"
            ][0]
        described = data_of(await client.call_tool("describe", {"source": fox.id}))
        assert described["descriptions"] and described["image"]["descriptions"]
        tree = data_of(await client.call_tool("lineage", {"image_id": fox.id}))
        children = {c["operation"]: c["id"] for c in tree["descendants"]}
        assert children == {
            "remix": made["remix"]["id"], "upscale": made["upscale"]["id"],
            "reframe": made["reframe"]["id"],
            "replace-background": made["replace_background"]["id"],
        }  # fmt: skip

    over_stdio(scenario)
    for name, record in made.items():
        assert record["status"] == "stored" and record["tags"] == [name], name
    assert made["reframe"]["resolution"] == "1312x736"
    edited = vault.images.get(str(made["edit"]["id"]))
    assert edited.parent_id and vault.images.get(edited.parent_id).operation == "upload"
    assert fake.stats()["generate_calls"] == 6  # five operations and describe; dry runs: none
