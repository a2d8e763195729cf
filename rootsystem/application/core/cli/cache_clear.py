"""`cache:clear [--tag T] [--prefix P]`: forget the site's cached values (all, one tag's, or a prefix's).

Only keys under CACHE_PREFIX are touched, so a Redis shared with sessions, rate limits or another
application keeps their data. An unreachable store is a one-line failure, not a traceback.
"""

from __future__ import annotations

import argparse

from core.cache import cache
from core.cache.store import backend_errors
from core.cli.errors import CommandError


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--tag", action="append", default=[], help="only the keys stored with this tag (repeatable)")
    parser.add_argument("--prefix", help="only the keys starting with this prefix")


async def run(options: argparse.Namespace) -> int:
    try:
        await cache.ping()
        if options.tag:
            await cache.delete_tag(*options.tag)
            what = "tag " + ", ".join(options.tag)
        elif options.prefix:
            await cache.delete_prefix(options.prefix)
            what = f"keys starting with {options.prefix!r}"
        else:
            await cache.clear()
            what = "every key"
    except backend_errors() as error:
        raise CommandError(f"the cache at {cache.url} is unreachable: {error or type(error).__name__}") from None
    finally:
        await cache.close()
    print(f"Cache cleared: {what}.")
    return 0
