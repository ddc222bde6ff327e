"""The gallery's pages, rendered on the server with Jinja2 (autoescaping on for every template).

The first page of results is in the HTML itself, so the gallery shows pictures before any
script runs; ``gallery.js`` then loads further pages from the REST API as the user scrolls.
Filters are plain form fields that become the search language (``model:V_3 tag:poster …``),
so the URL of a view is shareable and the API sees one grammar only.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from ideovault.errors import UserError
from ideovault.vault import Vault, actors
from ideovault.web import labels
from ideovault.web.charts import human_bytes, report_charts
from ideovault.web.deps import VaultDep, WebDep, clean_id
from ideovault.web.errors import status_for

router = APIRouter(include_in_schema=False)
TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)
TEMPLATES.globals["human_bytes"] = human_bytes
_TAG_VALUE = re.compile(r'^[^\s"]{1,64}$')
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
SORTS = (
    ("", "Newest first"), ("created", "Oldest first"), ("-size", "Largest first"),
    ("relevance", "Best match"),
)  # fmt: skip


def render(name: str, status: int = 200, **context: Any) -> HTMLResponse:
    """A page for the person asking: ``who`` (web/auth.py set it for this request) lets the
    templates leave out what their role does not allow, and show who is signed in."""
    who = actors.ACTING.get()
    context.setdefault("who", who)
    nobody = (actors.LOCAL_OWNER, actors.TOKEN_HOLDER, actors.ANONYMOUS)  # no one to sign out
    context.setdefault("signed_in", all(who is not p for p in nobody))
    html = TEMPLATES.get_template(name).render(**context)
    return HTMLResponse(html, status_code=status)


def compose_query(
    vault: Vault, text: str, filters: dict[str, str], *, starred: bool, trash: bool
) -> str:
    """The search-language text for the box plus the filter fields (UserError if one is bad)."""
    parts = [text.strip()] if text.strip() else []
    choices = vault.images.filter_choices()
    for key in ("model", "style", "aspect"):
        value = filters.get(key, "")
        if value:
            if value not in choices[key]:
                raise UserError(f"unknown {key} {value!r}; pick one of the list")
            parts.append(f"{key}:{value}")
    if tag := filters.get("tag", "").strip():
        if not _TAG_VALUE.match(tag):
            raise UserError("a tag filter is one tag, without spaces or quotes")
        parts.append(f"tag:{tag}")
    for key in ("after", "before"):
        value = filters.get(key, "")
        if value:
            if not _DATE.match(value):
                raise UserError(f"'{key}' must be a date like 2026-01-31")
            parts.append(f"{key}:{value}")
    sort = filters.get("sort", "")
    if sort:
        if sort not in dict(SORTS):
            raise UserError("unknown sort order; pick one of the list")
        parts.append(f"sort:{sort}")
    if starred:
        parts.append("is:starred")
    if trash:
        parts.append("is:trashed")
    return " ".join(parts)


def _gallery(
    vault: Vault, page_size: int, *, trash: bool, q: str, filters: dict[str, str], starred: bool
) -> HTMLResponse:
    context: dict[str, Any] = {
        "trash": trash,
        "q": q,
        "filters": filters,
        "starred": starred,
        "choices": vault.images.filter_choices(),
        "records": [],
        "next": None,
        "query": "",
        "error": None,
        "page_size": page_size,
        "sorts": SORTS,
    }
    try:
        query = compose_query(vault, q, filters, starred=starred, trash=trash)
        page = vault.images.search(query, limit=page_size)
    except UserError as exc:
        context["error"] = str(exc)
        return render("gallery.html", status_for(exc), **context)
    context.update(records=page.records, next=page.next_cursor, query=query)
    return render("gallery.html", **context)


@router.get("/", response_class=HTMLResponse)
def gallery(
    vault: VaultDep,
    web: WebDep,
    q: str = Query("", max_length=2000),
    model: str = Query("", max_length=40),
    style: str = Query("", max_length=40),
    aspect: str = Query("", max_length=10),
    tag: str = Query("", max_length=70),
    after: str = Query("", max_length=10),
    before: str = Query("", max_length=10),
    starred: bool = Query(False),
    sort: str = Query("", max_length=20),
) -> HTMLResponse:
    filters = {"model": model, "style": style, "aspect": aspect, "tag": tag, "sort": sort}
    filters |= {"after": after, "before": before}
    return _gallery(vault, web.page_size, trash=False, q=q, filters=filters, starred=starred)


@router.get("/trash", response_class=HTMLResponse)
def trash_view(
    vault: VaultDep, web: WebDep, q: str = Query("", max_length=2000), sort: str = Query("")
) -> HTMLResponse:
    filters = {"sort": sort[:20]}
    return _gallery(vault, web.page_size, trash=True, q=q, filters=filters, starred=False)


@router.get("/images/{image_id}", response_class=HTMLResponse)
def detail(image_id: str, vault: VaultDep) -> HTMLResponse:
    try:
        record = vault.images.get(clean_id(image_id))
    except UserError as exc:
        return render("error.html", status_for(exc), message=str(exc))
    except HTTPException as exc:
        return render("error.html", exc.status_code, message=str(exc.detail))
    return render(
        "detail.html",
        record=record,
        fields=labels.readable(record),
        raw=labels.raw(record),
        albums=vault.albums.of(record.id),
    )


@router.get("/report", response_class=HTMLResponse)
def report_view(vault: VaultDep) -> HTMLResponse:
    data = vault.images.report()
    return render("report.html", report=data, charts=report_charts(data))
