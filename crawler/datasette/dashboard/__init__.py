"""A Datasette plugin: the monitors' dashboard at ``/-/dashboard`` (and its data at ``/-/dashboard.json``).

Three charts drawn in the browser by Chart.js (MIT, vendored in ``static/`` with its licence, so nothing is
loaded from outside): articles per day by channel, the top sources, and the trend of a term typed in the
form (the same query language and exact matching as ``scnews trend``). The data is computed by
``data.py`` from fixed queries over a read-only connection, so the page needs no arbitrary SQL.
"""

from __future__ import annotations

import json

from datasette import hookimpl
from datasette.utils.asgi import Response

from crawler.datasette.dashboard.data import BadParameter, dashboard_data, parse_params

PLUGIN = __name__  # Datasette serves static/ at /-/static-plugins/<this name>/


async def _data(request, datasette) -> dict:
    params = parse_params({key: request.args.get(key) for key in ("days", "by", "term")})
    db = datasette.get_database()
    data = await db.execute_fn(lambda conn: dashboard_data(conn, **params))
    data["database"] = db.name
    return data


async def dashboard_page(request, datasette):
    try:
        data = await _data(request, datasette)
        error = data["term_error"]
        status = 200
    except BadParameter as exc:
        data, error, status = None, str(exc), 400
    # The data goes into a JSON script element; "<" escaped so no text in it can close the element.
    data_json = json.dumps(data, ensure_ascii=False).replace("<", "\\u003c")
    html = await datasette.render_template(
        "scnews_dashboard.html",
        {
            "data": data,
            "data_json": data_json,
            "error": error,
            "term": request.args.get("term") or "",
            "by": request.args.get("by") or "week",
            "days": request.args.get("days") or "",
            "plugin": PLUGIN,
        },
        request=request,
    )
    return Response.html(html, status=status)


async def dashboard_json(request, datasette):
    try:
        data = await _data(request, datasette)
    except BadParameter as exc:
        return Response.json({"ok": False, "error": str(exc)}, status=400)
    return Response.json(data)


@hookimpl
def register_routes():
    return [
        (r"^/-/dashboard$", dashboard_page),
        (r"^/-/dashboard\.json$", dashboard_json),
    ]


@hookimpl
def menu_links(datasette, actor):
    return [{"href": datasette.urls.path("/-/dashboard"), "label": "Dashboard"}]
