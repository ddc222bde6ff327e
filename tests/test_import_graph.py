"""No import circle anywhere in src/: not at module level, not inside a function, not for types.

import-linter (``make lint``) keeps the layers apart; this keeps every module of a layer from
reaching back to one that reaches it, so any file can be read (and moved) with only what it
imports in mind. grimp is the graph import-linter itself builds; every import statement counts,
including those under ``TYPE_CHECKING`` and those inside functions.
"""

from __future__ import annotations

import grimp


def _circles(graph: grimp.ImportGraph) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for root in sorted(graph.modules):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append(
                        (child, iter(sorted(graph.find_modules_directly_imported_by(child))))
                    )
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_the_finder_sees_a_circle() -> None:
    graph = grimp.ImportGraph()
    for name in ("a", "b", "c"):
        graph.add_module(name)
    graph.add_import(importer="a", imported="b")
    graph.add_import(importer="b", imported="c")
    assert _circles(graph) == []
    graph.add_import(importer="c", imported="a")
    assert _circles(graph) == [["a", "b", "c"]]


def test_src_has_no_import_circle() -> None:
    graph = grimp.build_graph("ideovault", "ideogram_fake", include_external_packages=False)
    circles = _circles(graph)
    assert circles == [], "\n".join(f"{len(c)} modules: {', '.join(c)}" for c in circles)
