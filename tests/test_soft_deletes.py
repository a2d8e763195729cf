"""NoriSoftDeletes on every engine: the managers, the safe defaults, signals and bulk operations."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from tortoise import fields
from tortoise.exceptions import ConfigurationError, DoesNotExist
from tortoise.query_utils import Prefetch
from tortoise.signals import Signals

from core.mixins.soft_deletes import NoriSoftDeletes
from core.signals import restored, soft_deleted
from core.testing.queries import count_queries
from tests.support.mixin_models import Comment, Post


async def three_posts() -> tuple[Post, Post, Post]:
    first = await Post.create(title="first")
    second = await Post.create(title="second")
    third = await Post.create(title="third")
    await second.delete()
    return first, second, third


@pytest.fixture
async def events() -> AsyncIterator[list[tuple[str, type[Any], Any]]]:
    """Every soft_deleted / restored / post_delete event for Post, in order."""
    seen: list[tuple[str, type[Any], Any]] = []

    async def on_soft_delete(sender: type[Any], instance: Any) -> None:
        seen.append(("soft_deleted", sender, instance))

    async def on_restore(sender: type[Any], instance: Any) -> None:
        seen.append(("restored", sender, instance))

    async def on_post_delete(sender: type[Any], instance: Any, using_db: Any) -> None:
        seen.append(("post_delete", sender, instance))

    soft_deleted.connect(on_soft_delete)
    restored.connect(on_restore)
    Post.register_listener(Signals.post_delete, on_post_delete)
    try:
        yield seen
    finally:
        soft_deleted.disconnect(on_soft_delete)
        restored.disconnect(on_restore)
        Post._listeners[Signals.post_delete][Post].remove(on_post_delete)


async def test_the_three_managers_and_class_shortcuts(db: str) -> None:
    await three_posts()
    assert {p.title for p in await Post.objects.all()} == {"first", "third"}
    assert {p.title for p in await Post.all_objects.all()} == {"first", "second", "third"}
    assert [p.title for p in await Post.trashed.all()] == ["second"]
    assert await Post.with_trashed().count() == 3
    assert [p.title for p in await Post.only_trashed()] == ["second"]
    assert await Post.objects.filter(title="second").count() == 0


async def test_bare_model_queries_skip_trashed_rows(db: str) -> None:
    first, second, _third = await three_posts()
    assert {p.title for p in await Post.all()} == {"first", "third"}
    assert {p.title for p in await Post.filter(title__in=["first", "second"])} == {"first"}
    assert await Post.all().count() == 2
    assert await Post.filter(title="second").count() == 0
    assert not await Post.exists(title="second")
    assert not await Post.filter(title="second").exists()
    with pytest.raises(DoesNotExist):
        await Post.get(id=second.id)
    assert await Post.get_or_none(id=second.id) is None
    assert (await Post.get(id=first.id)).title == "first"
    assert await Post.trashed.get(id=second.id)


async def test_delete_trashes_the_row_with_one_update(db: str, events: list[Any]) -> None:
    post = await Post.create(title="kept")
    with count_queries() as queries:
        await post.delete()
    assert len(queries) == 1
    assert queries.matching("UPDATE") == queries.statements
    assert post.is_trashed and post.deleted_at is not None
    stored = await Post.all_objects.get(id=post.id)
    assert stored.is_trashed
    assert abs((stored.deleted_at - post.deleted_at).total_seconds()) < 1
    assert events == [("soft_deleted", Post, post)]  # and no post_delete: the row still exists


async def test_delete_of_a_trashed_row_changes_nothing(db: str, events: list[Any]) -> None:
    post = await Post.create(title="once")
    await post.delete()
    stamp = (await Post.all_objects.get(id=post.id)).deleted_at
    with count_queries() as queries:
        await post.delete()
    assert len(queries) == 0
    assert (await Post.all_objects.get(id=post.id)).deleted_at == stamp
    assert [name for name, _, _ in events] == ["soft_deleted"]


async def test_restore_is_idempotent_and_signals_once(db: str, events: list[Any]) -> None:
    post = await Post.create(title="back")
    await post.delete()
    await post.restore()
    assert not post.is_trashed
    assert (await Post.get(id=post.id)).deleted_at is None
    with count_queries() as queries:
        await post.restore()
    assert len(queries) == 0
    assert [name for name, _, _ in events] == ["soft_deleted", "restored"]
    assert events[1][1:] == (Post, post)


async def test_force_delete_removes_the_row_and_sends_post_delete(db: str, events: list[Any]) -> None:
    post = await Post.create(title="gone")
    with count_queries() as queries:
        await post.force_delete()
    assert len(queries.matching("DELETE FROM")) == 1
    assert await Post.all_objects.filter(id=post.id).count() == 0
    assert events == [("post_delete", Post, post)]


async def test_bulk_delete_is_one_update_returning_the_count(db: str) -> None:
    await Post.create(title="a")
    await Post.create(title="a")
    await Post.create(title="b")
    with count_queries() as queries:
        count = await Post.objects.filter(title="a").delete()
    assert count == 2
    assert len(queries) == 1 and queries.matching("UPDATE")
    assert await Post.all_objects.count() == 3
    assert await Post.trashed.count() == 2


async def test_bare_filter_delete_is_a_soft_delete_too(db: str) -> None:
    await Post.create(title="a")
    await Post.create(title="b")
    with count_queries() as queries:
        count = await Post.filter(title="a").delete()
    assert count == 1
    assert queries.matching("DELETE FROM") == [] and len(queries.matching("UPDATE")) == 1
    assert await Post.all_objects.count() == 2
    assert [p.title for p in await Post.trashed.all()] == ["a"]
    # deleting again trashes nothing new and keeps the first timestamp
    assert await Post.all_objects.filter(title="a").delete() == 0


async def test_queryset_force_delete_is_one_real_delete(db: str) -> None:
    await three_posts()
    with count_queries() as queries:
        count = await Post.all_objects.filter(title__in=["first", "second"]).force_delete()
    assert count == 2
    assert len(queries) == 1 and queries.matching("DELETE FROM")
    assert [p.title for p in await Post.all_objects.all()] == ["third"]


async def test_queryset_restore(db: str) -> None:
    await three_posts()
    assert await Post.trashed.all().restore() == 1
    assert await Post.all().count() == 3


async def test_relations_and_prefetch_skip_trashed_rows(db: str) -> None:
    post = await Post.create(title="with comments")
    await Comment.create(body="visible", post=post)
    hidden = await Comment.create(body="hidden", post=post)
    await hidden.delete()

    assert [c.body for c in await post.comments.all()] == ["visible"]
    fetched = await Post.get(id=post.id).prefetch_related("comments")
    assert [c.body for c in fetched.comments] == ["visible"]
    await post.fetch_related("comments")
    assert [c.body for c in post.comments] == ["visible"]
    # the escape hatch: an explicit queryset over all_objects
    everything = await Post.get(id=post.id).prefetch_related(
        Prefetch("comments", queryset=Comment.all_objects.all().order_by("id"))
    )
    assert [c.body for c in everything.comments] == ["visible", "hidden"]


async def test_a_foreign_key_to_a_trashed_row_reads_as_none(db: str) -> None:
    post = await Post.create(title="parent")
    comment = await Comment.create(body="orphaned", post=post)
    await post.delete()
    fresh = await Comment.get(id=comment.id)
    assert await fresh.post is None
    assert fresh.post_id == post.id


def test_a_custom_manager_must_keep_the_active_filter() -> None:
    from tortoise.manager import Manager

    with pytest.raises(ConfigurationError, match=r"Leaky\.Meta\.manager"):

        class Leaky(NoriSoftDeletes):
            title = fields.CharField(max_length=10)

            class Meta:
                manager = Manager()
                app = "unused"


async def test_documented_edges_of_the_filter(db: str) -> None:
    """What docs/database.md lists: values() and in_bulk() are filtered; a select_related join is not."""
    post = await Post.create(title="joined")
    await Comment.create(body="still here", post=post)
    await post.delete()
    assert await Post.all().values("title") == []
    assert await Post.in_bulk([post.id]) == {}
    joined = await Comment.all().select_related("post")
    assert joined[0].post.title == "joined" and joined[0].post.is_trashed
    prefetched = await Comment.all().prefetch_related("post")
    assert prefetched[0].post is None
    await post.refresh_from_db()
    assert post.is_trashed
