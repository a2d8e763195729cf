"""Server-side session data in the site's database (SESSION_BACKEND=database).

For a site that has a database but no Redis. Same interface as the Redis store: the cookie
carries a random id, the row (table `sessions`) is keyed on its SHA-256, so logout deletes the
row and a stolen id is worth nothing. Expired rows are ignored on load and purged on every
save (one indexed delete on `expires_at`), so the table holds no more than the live sessions
plus those that expired since the last write.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise.exceptions import DBConnectionError, OperationalError

from core.http.session_store import ActiveSession, Device, SessionStoreUnavailable, session_handle

_ERRORS = (DBConnectionError, OperationalError, OSError)


def _now() -> datetime:
    return datetime.now(UTC)


class DatabaseSessionStore:
    """load/save/delete by session id, and every session of one user, on the `sessions` table."""

    async def load(self, session_id: str) -> dict[str, Any] | None:
        from core.models.session import Session

        try:
            row = await Session.filter(id=session_handle(session_id), expires_at__gt=_now()).first()
        except _ERRORS as error:
            raise SessionStoreUnavailable(str(error)) from error
        return row.data if row is not None and isinstance(row.data, dict) else None

    async def save(self, session_id: str, data: dict[str, Any], ttl: int, user_id: Any | None,
                   device: Device | None = None) -> None:
        from core.models.session import Session

        now = _now()
        try:
            await Session.filter(expires_at__lte=now).delete()
            await Session.update_or_create(id=session_handle(session_id), defaults={
                "data": data, "user_id": user_id, "expires_at": now + timedelta(seconds=ttl), "last_seen": now,
                "ip": device.ip if device else None, "user_agent": device.user_agent if device else None})
        except _ERRORS as error:
            raise SessionStoreUnavailable(str(error)) from error

    async def delete(self, session_id: str, user_id: Any | None = None) -> None:
        from core.models.session import Session

        try:
            await Session.filter(id=session_handle(session_id)).delete()
        except _ERRORS as error:
            raise SessionStoreUnavailable(str(error)) from error

    async def delete_user(self, user_id: Any, *, keep: str | None = None) -> int:
        """End every session of `user_id` but `keep`; gives how many ended."""
        from core.models.session import Session

        query = Session.filter(user_id=user_id)
        if keep is not None:
            query = query.exclude(id=session_handle(keep))
        try:
            return int(await query.delete())
        except _ERRORS as error:
            raise SessionStoreUnavailable(str(error)) from error

    async def sessions_of(self, user_id: Any) -> list[ActiveSession]:
        """The user's live sessions, most recently used first."""
        from core.models.session import Session

        try:
            rows = await Session.filter(user_id=user_id, expires_at__gt=_now()).order_by("-last_seen")
        except _ERRORS as error:
            raise SessionStoreUnavailable(str(error)) from error
        return [ActiveSession(row.id, row.ip, row.user_agent, row.last_seen) for row in rows]

    async def end(self, user_id: Any, handle: str) -> bool:
        """End the session `handle` if it is one of `user_id`'s; False when it is not (or is gone)."""
        from core.models.session import Session

        try:
            return bool(await Session.filter(id=handle, user_id=user_id).delete())
        except _ERRORS as error:
            raise SessionStoreUnavailable(str(error)) from error

    async def close(self) -> None:
        """The connection belongs to the ORM, which closes it at shutdown."""
