"""Request parameters as the Bot API accepts them: query string, urlencoded, multipart or JSON.

PTB posts urlencoded forms (multipart when uploading) with nested objects
JSON-encoded into strings; other clients post JSON bodies. Both are accepted.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from faketg.errors import bad_request


@dataclass(frozen=True, slots=True)
class Upload:
    """A file part of a multipart request."""

    filename: str | None
    content_type: str | None
    data: bytes


class Params:
    """Typed access to a request's arguments (values are str from forms, anything from JSON)."""

    __slots__ = ("data", "files")

    def __init__(self, data: dict[str, Any], files: dict[str, Upload] | None = None) -> None:
        self.data = data
        self.files = files or {}

    def get_str(self, name: str) -> str:
        """The argument as text; "" when missing (the Bot API treats both alike)."""
        value = self.data.get(name)
        if value is None:
            return ""
        if isinstance(value, str):
            return value
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int | float):
            return str(value)
        return json.dumps(value)

    def get_int(self, name: str, default: int = 0) -> int:
        """An integer argument; unparsable values count as ``default`` like td::to_integer."""
        value = self.data.get(name)
        if value is None or value == "":
            return default
        if isinstance(value, bool):
            return int(value)
        if isinstance(value, int):
            return value
        try:
            return int(float(value)) if isinstance(value, float) else int(str(value).strip())
        except ValueError:
            return default

    def get_bool(self, name: str) -> bool:
        """Bot API to_bool: "true"/"1" (any case) are true."""
        value = self.data.get(name)
        if isinstance(value, bool):
            return value
        return str(value).strip().lower() in ("true", "1") if value is not None else False

    def get_json(self, name: str, what: str) -> Any:
        """A nested object: decoded if it came as a JSON string. ``what`` names it in errors."""
        value = self.data.get(name)
        if isinstance(value, str):
            if value == "":
                return None
            try:
                return json.loads(value)
            except ValueError:
                raise bad_request(f"Can't parse {what} JSON object") from None
        return value

    def has(self, name: str) -> bool:
        """Whether the argument was given and non-empty."""
        return self.data.get(name) not in (None, "")


def parse_body(content_type: str, body: bytes, query: str) -> Params:
    """Decode a request body of any accepted kind, plus the query string."""
    data: dict[str, Any] = dict(parse_qsl(query, keep_blank_values=True)) if query else {}
    files: dict[str, Upload] = {}
    ctype = content_type.split(";", 1)[0].strip().lower()
    if not body:
        return Params(data)
    if ctype == "application/x-www-form-urlencoded":
        data.update(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
    elif ctype == "application/json":
        try:
            decoded = json.loads(body)
        except ValueError:
            raise bad_request("Can't parse JSON request body") from None
        if isinstance(decoded, dict):
            data.update(decoded)
    elif ctype == "multipart/form-data":
        _parse_multipart(content_type, body, data, files)
    return Params(data, files)


def _parse_multipart(
    content_type: str, body: bytes, data: dict[str, Any], files: dict[str, Upload]
) -> None:
    """A small multipart/form-data parser (enough for httpx/PTB/curl uploads)."""
    boundary = ""
    for part in content_type.split(";")[1:]:
        key, _, value = part.strip().partition("=")
        if key.lower() == "boundary":
            boundary = value.strip('"')
    if not boundary:
        raise bad_request("Can't parse multipart boundary")
    delimiter = b"--" + boundary.encode()
    for chunk in body.split(delimiter)[1:]:
        if chunk.startswith(b"--"):
            break
        head, sep, content = chunk.partition(b"\r\n\r\n")
        if not sep:
            continue
        content = content.removesuffix(b"\r\n")
        name, filename, part_type = None, None, None
        for line in head.decode("utf-8", "replace").split("\r\n"):
            header, _, value = line.partition(":")
            if header.lower() == "content-type":
                part_type = value.strip()
            elif header.lower() == "content-disposition":
                for item in value.split(";")[1:]:
                    key, _, raw = item.strip().partition("=")
                    if key.lower() == "name":
                        name = raw.strip('"')
                    elif key.lower() == "filename":
                        filename = raw.strip('"')
        if name is None:
            continue
        if filename is not None:
            files[name] = Upload(filename, part_type, content)
        else:
            data[name] = content.decode("utf-8", "replace")


def image_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) of a PNG, JPEG or GIF; None if it isn't one of those images."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    if data.startswith(b"GIF8") and len(data) >= 10:
        return int.from_bytes(data[6:8], "little"), int.from_bytes(data[8:10], "little")
    if data.startswith(b"\xff\xd8"):
        i = 2
        while i + 9 < len(data):
            if data[i] != 0xFF:
                i += 1
                continue
            marker = data[i + 1]
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                height = int.from_bytes(data[i + 5 : i + 7], "big")
                return int.from_bytes(data[i + 7 : i + 9], "big"), height
            i += 2 + int.from_bytes(data[i + 2 : i + 4], "big")
    return None
