"""The FastAPI dependencies every route module shares: what the app was built over."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from core.context import KhabardarApp, Services


def services(request: Request) -> Services:
    """The services build_api was given."""
    found: Services = request.app.state.services
    return found


def telegram(request: Request) -> KhabardarApp | None:
    """The bot's Application, if this API runs beside one."""
    app: KhabardarApp | None = request.app.state.telegram
    return app


ServicesDep = Annotated[Services, Depends(services)]
TelegramDep = Annotated[KhabardarApp | None, Depends(telegram)]
