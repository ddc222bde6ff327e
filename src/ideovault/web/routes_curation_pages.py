"""Gallery pages of curation: the albums, and the side-by-side compare view."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import HTMLResponse

from ideovault.errors import UserError
from ideovault.web.compare import compare
from ideovault.web.deps import VaultDep, clean_id
from ideovault.web.errors import status_for
from ideovault.web.routes_pages import render

router = APIRouter(include_in_schema=False)


@router.get("/albums", response_class=HTMLResponse)
def albums_view(vault: VaultDep) -> HTMLResponse:
    return render("albums.html", albums=vault.albums.list())


@router.get("/compare", response_class=HTMLResponse)
def compare_view(vault: VaultDep, ids: str = Query("", max_length=200)) -> HTMLResponse:
    """2-4 images side by side (``?ids=a,b,c``) with the differences of their parameters."""
    names = [n for n in ids.split(",") if n]
    try:
        if not 2 <= len(names) <= 4:
            raise UserError("compare takes 2 to 4 images: select them in the gallery")
        records = [vault.images.get(clean_id(n)) for n in names]
    except UserError as exc:
        return render("error.html", status_for(exc), message=str(exc))
    except HTTPException as exc:
        return render("error.html", exc.status_code, message=str(exc.detail))
    return render("compare.html", records=records, diff=compare(records))
