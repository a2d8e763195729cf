"""Server-side session data in the site's database (SESSION_BACKEND=database).

For a site that has a database but no Redis. Same interface as the Redis store: the cookie
carries a random id, the row (table `sessions`) is keyed on its SHA-256, so logout deletes the
row and a stolen id is worth nothing. Expired rows are ignored on load and purged on every
save (one indexed delete on `expires_at`), so the table holds no more than the live sessions
plus those that expired since the last write.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise.exceptions import DBConnectionError, OperationalError

from core.http.session_store import SessionStoreUnavailable

_ERRORS = (DBConnectionError, OperationalError, OSError)


def _key(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def _now() -> datetime:
    return datetime.now(UTC)


class DatabaseSessionStore:
    """load/save/delete by session id, and every session of one user, on the `sessions` table."""

    async def load(self, session_id: str) -> dict[str, Any] | None:
        from core.models.session import Session

        try:
            row = await Session.filter(id=_key(session_id), expires_at__gt=_now()).first()
        except _ERRORS as error:
            raise SessionStoreUnavailable(str(error)) from error
        return row.data if row is not None and isinstance(row.data, dict) else None

    async def save(self, session_id: str, data: dict[str, Any], ttl: int, user_id: Any | None) -> None:
        from core.models.session import Session

        now = _now()
        try:
            await Session.filter(expires_at__lte=now).delete()
            await Session.update_or_create(id=_key(session_id), defaults={
                "data": data, "user_id": user_id, "expires_at": now + timedelta(seconds=ttl), "last_seen": now})
        except _ERRORS as error:
            raise SessionStoreUnavailable(str(error)) from error

    async def delete(self, session_id: str, user_id: Any | None = None) -> None:
        from core.models.session import Session

        try:
            await Session.filter(id=_key(session_id)).delete()
        except _ERRORS as error:
            raise SessionStoreUnavailable(str(error)) from error

    async def delete_user(self, user_id: Any, *, keep: str | None = None) -> int:
        """End every session of `user_id` but `keep`; gives how many ended."""
        from core.models.session import Session

        query = Session.filter(user_id=user_id)
        if keep is not None:
            query = query.exclude(id=_key(keep))
        try:
            return int(await query.delete())
        except _ERRORS as error:
            raise SessionStoreUnavailable(str(error)) from error

    async def close(self) -> None:
        """The connection belongs to the ORM, which closes it at shutdown."""
