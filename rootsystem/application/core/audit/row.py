"""The shape of a queued audit row, shared by `audit()` (which builds rows) and the writer."""

from __future__ import annotations

import datetime
from typing import Any, NamedTuple


class AuditRow(NamedTuple):
    """The layout of one audit entry: its values exactly as the columns store them, in the table's
    column order, so the writer inserts rows as they are. Rows travel as plain tuples (`Row`);
    `AuditRow._make(row)` names their fields where that helps (logging a failure).
    """

    user_id: int | None
    action: str
    model_name: str | None
    record_id: str | None
    changes: str | None
    ip_address: str | None
    request_id: str | None
    created_at: datetime.datetime


Row = tuple[Any, ...]
