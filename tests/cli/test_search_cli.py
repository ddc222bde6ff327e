"""`search`, `tag`, `star` through the CLI: formats, pages, clear errors."""

from __future__ import annotations

import json
import sys
from pathlib import Path


def generate(run, prompt: str, *extra: str) -> dict:
    res = run("generate", prompt, "--magic-prompt", "OFF", "--json", *extra)
    assert res.code == 0, res.err
    return json.loads(res.out)[0]


def test_search_formats_and_pages(run) -> None:
    fox = generate(run, "red fox in a field", "--tag", "animal")
    generate(run, "blue whale", "--tag", "animal")
    owl = generate(run, "snowy owl at night", "--tag", "bird")
    res = run("search", "tag:animal", "--json")
    body = json.loads(res.out)
    assert [r["prompt"] for r in body["results"]] == ["blue whale", "red fox in a field"]
    assert body["next"] is None
    paths = run("search", "fox", "--format", "paths").out.splitlines()
    assert paths == [fox["local_path"]] and Path(paths[0]).is_file()
    lines = run("search", "", "--format", "jsonl").out.splitlines()
    assert json.loads(lines[0])["id"] == owl["id"] and len(lines) == 3
    first = json.loads(run("search", "", "--limit", "2", "--json").out)
    second = json.loads(run("search", "", "--limit", "2", "--after", first["next"], "--json").out)
    assert len(first["results"]) == 2 and len(second["results"]) == 1
    table = run("search", "owl")
    assert table.code == 0 and "snowy owl" in table.out


def test_search_syntax_error_names_the_position(run) -> None:
    res = run("search", 'fox "unclosed')
    assert res.code == 2
    assert "position 5" in res.err and "closing quote" in res.err and "Traceback" not in res.err


def test_tag_star_unstar(run) -> None:
    image = generate(run, "lighthouse")
    res = run("tag", image["id"][:30], "+Sea Side", "+poster", "--json")
    assert res.code == 0, res.err
    assert json.loads(res.out)[0]["tags"] == ["poster", "sea-side"]
    res = run("tag", image["id"], "-poster", "--json")
    assert json.loads(res.out)[0]["tags"] == ["sea-side"]
    assert (
        json.loads(run("search", "tag:sea-side", "--json").out)["results"][0]["id"] == image["id"]
    )
    assert json.loads(run("star", image["id"], "--json").out)[0]["starred"] is True
    assert len(json.loads(run("search", "is:starred", "--json").out)["results"]) == 1
    assert json.loads(run("unstar", image["id"], "--json").out)[0]["starred"] is False


def test_tag_errors(run) -> None:
    image = generate(run, "lighthouse")
    assert run("tag", image["id"]).code == 2
    assert run("tag", "+orphan").code == 2
    res = run("tag", image["id"], "+" + "x" * 65)
    assert res.code == 2 and "longer than 64" in res.err
    res = run("tag", image["id"], "+a\x07b")
    assert res.code == 2 and "control" in res.err
    res = run("tag", "ffffffff", "+x")
    assert res.code == 2 and "no image" in res.err
    assert run("star", "../../etc/passwd").code == 2


def test_similar_dupes_backfill_cli(run) -> None:
    a = generate(run, "twin picture", "--seed", "7")
    b = generate(run, "twin picture", "--seed", "7", "--force")
    res = run("similar", a["id"], "--json")
    assert res.code == 0, res.err
    assert json.loads(res.out)[0] == {**b, "distance": 0}
    groups = json.loads(run("dupes", "--json").out)
    assert [sorted(m["id"] for m in g) for g in groups] == [sorted([a["id"], b["id"]])]
    filled = json.loads(run("backfill", "--json").out)
    assert filled["hashed"] == 0 and filled["unreadable"] == []
    assert run("similar", "nope").code == 2
    assert run("dupes", "--max-distance", "40").code == 2


def test_semantic_search_cli(run, monkeypatch) -> None:
    from ideovault.vault import semantic

    generate(run, "cozy autumn cafe interior")
    generate(run, "rocket launching into space")
    if semantic.available():
        # a search embeds only its query: the images' prompts are embedded by backfill (or on
        # store, with [semantic] embed_on_store)
        assert json.loads(run("search", "--semantic", "coffee", "--json").out)["results"] == []
        assert run("backfill", "--json").code == 0
        res = run("search", "--semantic", "coffee shop in fall", "--json")
        assert res.code == 0, res.err
        results = json.loads(res.out)["results"]
        assert results[0]["prompt"] == "cozy autumn cafe interior"
        assert results[0]["score"] > results[1]["score"]
    monkeypatch.setitem(sys.modules, "sentence_transformers", None)  # as if not installed
    semantic._model.cache_clear()
    res = run("search", "--semantic", "anything")
    assert res.code == 2 and "ideovault[semantic]" in res.err
    semantic._model.cache_clear()
