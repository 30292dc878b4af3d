"""GET /api/v1/map.png: the /map picture for staff, in the language asked for."""

from __future__ import annotations

import io

import httpx
from PIL import Image

from domain.alerts import Severity
from storage.db import Database
from tests.api.conftest import STAFF_TOKEN, bearer
from tests.staff.publishing import G, content, publish, transport
from views.map import COLOURS, SUSPENDED_ROUTE, projection


async def test_map_png_shows_published_alerts_and_suspended_routes(
    client: httpx.AsyncClient, database: Database
) -> None:
    await publish(database, content(severity=Severity.EXTREME))  # Quetta
    await publish(database, transport(severity=Severity.MINOR))  # N-25, Mastung and Kalat
    response = await client.get("/api/v1/map.png", headers=bearer(STAFF_TOKEN))
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/png"
    assert response.headers["cache-control"] == "no-store"
    image = Image.open(io.BytesIO(response.content)).convert("RGB")
    frame = projection(G)
    # A point in the middle of Chagai stays quiet; the N-25 is drawn as suspended.
    x, y = frame(29.0, 63.5)
    assert image.getpixel((round(x), round(y))) == COLOURS[None]
    colours = dict((colour, n) for n, colour in image.getcolors(1_000_000) or [])
    assert colours.get(COLOURS[Severity.EXTREME], 0) > 2_000
    assert colours.get(SUSPENDED_ROUTE, 0) > 2_000


async def test_map_png_needs_a_token_and_takes_a_language(client: httpx.AsyncClient) -> None:
    assert (await client.get("/api/v1/map.png")).status_code == 401
    english = await client.get("/api/v1/map.png", headers=bearer(STAFF_TOKEN))
    urdu = await client.get("/api/v1/map.png?lang=ur", headers=bearer(STAFF_TOKEN))
    unknown = await client.get("/api/v1/map.png?lang=xx", headers=bearer(STAFF_TOKEN))
    assert english.status_code == urdu.status_code == unknown.status_code == 200
    assert urdu.content != english.content
    assert unknown.headers["content-type"] == "image/png"
