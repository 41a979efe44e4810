"""Reading a request body and parsing it as JSON, with every way it can be wrong turned into a 4xx/5xx."""

from __future__ import annotations

import json
import math
import re
from email.message import Message
from typing import Any, BinaryIO

MAX_BODY = 64 * 1024
# Deeper documents are refused before parsing, so no client can make the parser (or the echo) recurse deeply.
MAX_DEPTH = 32
_LENGTH = re.compile(r"[0-9]{1,10}")
_CHUNK_SIZE = re.compile(rb"[0-9A-Fa-f]{1,8}")
_MAX_TRAILERS = 32


class BodyError(Exception):
    """A body the service refuses: the status to answer and a message that says what to send instead."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def read_body(headers: Message, rfile: BinaryIO) -> bytes:
    """The whole body, framed by Content-Length or chunked transfer coding (RFC 9112, section 6)."""
    codings = headers.get_all("Transfer-Encoding") or []
    lengths = headers.get_all("Content-Length") or []
    if codings:
        if lengths:
            # Two framings disagree on where the body ends: the classic request-smuggling shape.
            raise BodyError(400, "send either Transfer-Encoding or Content-Length, not both")
        names = [name.strip().lower() for value in codings for name in value.split(",")]
        if names != ["chunked"]:
            raise BodyError(501, "the only transfer coding accepted is chunked")
        return _read_chunked(rfile)
    if not lengths:
        raise BodyError(411, "send a Content-Length header (or Transfer-Encoding: chunked)")
    declared = {value.strip() for value in lengths}
    text = declared.pop()
    if declared or not _LENGTH.fullmatch(text):
        raise BodyError(400, "Content-Length is not a non-negative integer")
    length = int(text)
    if length > MAX_BODY:
        raise BodyError(413, "body larger than 64 KiB")
    data = rfile.read(length)
    if len(data) < length:
        raise BodyError(400, "the body ended before Content-Length bytes arrived")
    return data


def _read_chunked(rfile: BinaryIO) -> bytes:
    parts: list[bytes] = []
    total = 0
    while True:
        line = rfile.readline(1026)
        if not line.endswith(b"\n"):
            raise BodyError(400, "malformed chunk: a chunk size line is missing or too long")
        size_text = line.split(b";", 1)[0].strip()
        if not _CHUNK_SIZE.fullmatch(size_text):
            raise BodyError(400, "malformed chunk: the size is not a hexadecimal number")
        size = int(size_text, 16)
        total += size
        if total > MAX_BODY:
            raise BodyError(413, "body larger than 64 KiB")
        if size == 0:
            break
        data = rfile.read(size)
        if len(data) < size or rfile.read(2) != b"\r\n":
            raise BodyError(400, "malformed chunk: the data is shorter than its size or lacks its CRLF")
        parts.append(data)
    for _ in range(_MAX_TRAILERS):
        trailer = rfile.readline(8192)
        if not trailer.endswith(b"\n"):
            raise BodyError(400, "malformed chunked body: it ends without the final empty line")
        if trailer in (b"\r\n", b"\n"):
            return b"".join(parts)
    raise BodyError(400, f"more than {_MAX_TRAILERS} trailer lines")


def nesting_depth(text: str) -> int:
    """The deepest nesting of arrays and objects, ignoring brackets inside strings."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def _refuse_constant(name: str) -> Any:
    raise BodyError(400, f"{name} is not JSON (RFC 8259 has no NaN or Infinity): send a number or null")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise BodyError(400, f"the number {text[:40]} is out of range for a 64-bit float")
    return value


def parse_json(raw: bytes) -> Any:
    """The JSON document in raw, or BodyError(400) saying what is wrong with it."""
    if not raw:
        raise BodyError(400, "the body is empty: send a JSON document")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise BodyError(400, f"the body is not UTF-8 (invalid byte at offset {error.start})") from None
    if nesting_depth(text) > MAX_DEPTH:
        raise BodyError(400, f"the JSON is nested deeper than {MAX_DEPTH} levels")
    try:
        return json.loads(text, parse_constant=_refuse_constant, parse_float=_finite_float)
    except json.JSONDecodeError as error:
        raise BodyError(400, f"the body is not JSON: {error.msg} at line {error.lineno} column {error.colno}") from None
    except ValueError:
        # int() refuses integers longer than sys.get_int_max_str_digits() (4300 by default).
        raise BodyError(400, "a number in the body has too many digits (at most 4300)") from None


def dumps(payload: Any) -> bytes:
    """Strict JSON: NaN and Infinity are refused rather than written as invalid JSON."""
    return json.dumps(payload, sort_keys=True, allow_nan=False).encode("utf-8")
