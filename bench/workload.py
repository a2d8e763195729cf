"""The reference workload shared by both apps under test: page size and the seeded `articles` rows.

Both apps read the one table this module fills, so every difference in their figures comes from
the code between the socket and the database, not from the data.
"""

from __future__ import annotations

import random
from pathlib import Path

from tortoise import Tortoise

PAGE_SIZE = 20
ROWS = 10_000
TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
# The form `/bench/write` accepts (bench/write.lua posts it): the Nori side states these rules to
# validate(), the bare side checks the same by hand.
WRITE_RULES = {
    "title": "required|string|max:200",
    "slug": "required|string|max:200|regex:^[a-z0-9-]+$",
    "body": "required|string|max:5000",
    "views": "required|integer|min:0",
}
WORDS = (
    "lorem", "ipsum", "dolor", "sit", "amet", "consectetur", "adipiscing", "elit", "sed", "do", "eiusmod",
    "tempor", "incididunt", "ut", "labore", "et", "dolore", "magna", "aliqua", "enim", "ad", "minim", "veniam",
    "quis", "nostrud",
)


def page_number(raw: str | None) -> int:
    """`?page=N` as a positive integer; anything else reads as the first page."""
    try:
        return max(1, int(raw or "1"))
    except ValueError:
        return 1


def body_text(rng: random.Random, size: int = 500) -> str:
    words: list[str] = []
    length = 0
    while length < size:
        word = rng.choice(WORDS)
        words.append(word)
        length += len(word) + 1
    return " ".join(words)[:size]


async def seed(db_url: str, rows: int = ROWS, batch: int = 1_000) -> int:
    """Drop and recreate `articles`, then insert `rows` rows drawn from a fixed seed (same every run)."""
    from tortoise.context import TortoiseContext

    from bench.bare_models import Article
    from core.compat.tortoise import forget_insert_statements

    forget_insert_statements()  # INSERTs compiled for another engine's connection named "default" must go
    async with TortoiseContext():
        await Tortoise.init(db_url=db_url, modules={"models": ["bench.bare_models"]})
        await Tortoise.get_connection("default").execute_script("DROP TABLE IF EXISTS articles")
        await Tortoise.generate_schemas(safe=True)
        rng = random.Random(42)
        for start in range(1, rows + 1, batch):
            await Article.bulk_create([
                Article(title=f"Article number {i}", slug=f"article-{i}", body=body_text(rng),
                        views=rng.randint(0, 10_000))
                for i in range(start, min(rows, start + batch - 1) + 1)
            ])
        count = await Article.all().count()
        await Tortoise.close_connections()
    return count
