"""Cache values as JSON bytes, never pickle.

A cache in Redis is shared with every process that can reach it; unpickling what it hands back
would run whatever code someone with access to the store put there. JSON (through orjson) keeps
values to data: dicts, lists, strings, numbers, booleans and None, with datetimes written as ISO
text. Anything else is refused when it is stored, not discovered broken when it is read.
"""

from __future__ import annotations

from typing import Any

import orjson

from core.cache.errors import CacheValueError


def encode(value: Any) -> bytes:
    try:
        return orjson.dumps(value)
    except TypeError as error:
        raise CacheValueError(f"cannot cache {type(value).__name__}: only JSON data is stored ({error})") from None


def decode(raw: bytes) -> Any:
    return orjson.loads(raw)
