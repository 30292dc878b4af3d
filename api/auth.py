"""Bearer tokens for the staff API, checked against sha256 hashes from the settings."""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.deps import ServicesDep
from core.context import Services

log = logging.getLogger(__name__)
_bearer = HTTPBearer(auto_error=False, description="A staff or admin API token")


@dataclass(frozen=True, slots=True)
class Caller:
    """Who called: the configured name of their token, and whether it is an admin token."""

    name: str
    admin: bool


def token_hash(token: str) -> str:
    """What the settings hold for a token: its sha256, in hex."""
    return hashlib.sha256(token.encode()).hexdigest()


def identify(token: str, hashes: Mapping[str, str]) -> str | None:
    """The name of the token whose hash matches, comparing every one in constant time."""
    digest = token_hash(token)
    found = None
    for name, expected in hashes.items():
        # No early return: the time taken says nothing about which entry matched.
        if hmac.compare_digest(digest, expected):
            found = name
    return found


def _caller(
    request: Request, services: Services, credentials: HTTPAuthorizationCredentials | None
) -> Caller:
    settings = services.settings
    if credentials is not None and credentials.scheme.lower() == "bearer":
        token = credentials.credentials
        if (name := identify(token, settings.api_admin_tokens)) is not None:
            return Caller(name, admin=True)
        if (name := identify(token, settings.api_tokens)) is not None:
            return Caller(name, admin=False)
    # Logged without the header: a wrong token is still somebody's secret, or a typo of one.
    log.warning("API request refused: no valid token (%s %s)", request.method, request.url.path)
    raise HTTPException(
        status.HTTP_401_UNAUTHORIZED,
        "a valid API token is required",
        headers={"WWW-Authenticate": "Bearer"},
    )


def staff(
    request: Request,
    services: ServicesDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Caller:
    """Any valid token: staff or admin."""
    return _caller(request, services, credentials)


def admin(
    request: Request,
    services: ServicesDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Caller:
    """An admin token only: the audit log names team members."""
    caller = _caller(request, services, credentials)
    if not caller.admin:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "this needs an admin API token")
    return caller


StaffCaller = Annotated[Caller, Depends(staff)]
AdminCaller = Annotated[Caller, Depends(admin)]
