"""FailedJob: a background job that used every attempt, kept until it is retried or forgotten."""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model


class FailedJob(Model):
    """Written by both queue drivers, in the site's database rather than the queue's.

    A Redis flush or an app restart must not take the record of what failed with it, and the
    site's database is the store every deployment already backs up. `job_id` is the queue's id
    (the unique key, for a unique job), so it may repeat; `id` is what `queue:retry` takes.
    """

    id = fields.BigIntField(primary_key=True)
    job_id = fields.CharField(max_length=255)
    name = fields.CharField(max_length=255)
    queue = fields.CharField(max_length=100, db_index=True)
    kwargs: fields.JSONField[Any] = fields.JSONField(default=dict)
    exception = fields.TextField()
    traceback = fields.TextField()
    attempts = fields.IntField()
    failed_at = fields.DatetimeField(auto_now_add=True, db_index=True)

    class Meta:
        table = "failed_jobs"
        app = "framework"
