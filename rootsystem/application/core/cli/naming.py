"""Names for generated code: PascalCase checks, snake_case files and plural table names."""

from __future__ import annotations

import keyword
import re

from core.cli.errors import CommandError

_PASCAL = re.compile(r"[A-Z][A-Za-z0-9]*")
# PostgreSQL cuts identifiers at 63 characters (MySQL refuses past 64): a table name must fit, and a
# class or file name longer than that is a typo, not a design.
MAX_NAME_LENGTH = 63
_WORD_BOUNDARY = (re.compile(r"([A-Z]+)([A-Z][a-z])"), re.compile(r"([a-z0-9])([A-Z])"))

# Words whose plural English does not build with a suffix; the ones a data model actually meets.
IRREGULAR_PLURALS = {
    "person": "people", "man": "men", "woman": "women", "child": "children", "mouse": "mice",
    "goose": "geese", "foot": "feet", "tooth": "teeth", "ox": "oxen", "leaf": "leaves", "life": "lives",
    "knife": "knives", "wife": "wives", "half": "halves", "wolf": "wolves", "shelf": "shelves",
    "datum": "data", "medium": "media", "criterion": "criteria", "analysis": "analyses", "crisis": "crises",
    "thesis": "theses", "index": "indices", "matrix": "matrices", "vertex": "vertices", "quiz": "quizzes",
    "cactus": "cacti", "radius": "radii", "hero": "heroes", "potato": "potatoes", "tomato": "tomatoes",
}
UNCOUNTABLE = frozenset({"sheep", "fish", "deer", "series", "species", "news", "equipment", "information",
                         "rice", "money", "data", "media", "metadata", "feedback", "staff", "software"})


def pascal_name(name: str, what: str = "model") -> str:
    """`name` itself when it is a PascalCase identifier; otherwise a one-line error with an example."""
    if len(name) > MAX_NAME_LENGTH:
        raise CommandError(f"{name[:20]!r}... is {len(name)} characters long: a {what} name has at most "
                           f"{MAX_NAME_LENGTH}")
    if not _PASCAL.fullmatch(name) or keyword.iskeyword(name):
        suggestion = "".join(part[:1].upper() + part[1:] for part in re.split(r"[^A-Za-z0-9]+", name) if part)
        hint = f" such as {suggestion!r}" if suggestion and _PASCAL.fullmatch(suggestion) else " such as 'BlogPost'"
        raise CommandError(f"{name!r} is not a valid {what} name: use a PascalCase identifier{hint}")
    return name


def snake_case(name: str) -> str:
    """BlogPost → blog_post, HTTPRequest → http_request."""
    for pattern in _WORD_BOUNDARY:
        name = pattern.sub(r"\1_\2", name)
    return name.lower()


def plural(word: str) -> str:
    """English plural of one lowercase word: box → boxes, category → categories, person → people."""
    if word in UNCOUNTABLE:
        return word
    if word in IRREGULAR_PLURALS:
        return IRREGULAR_PLURALS[word]
    if word.endswith(("s", "x", "z", "ch", "sh")):
        return word + "es"
    if word.endswith("y") and len(word) > 1 and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


def table_name(class_name: str) -> str:
    """The plural snake name of a model class: only the last word changes (BlogPost → blog_posts)."""
    *head, last = snake_case(class_name).split("_")
    return "_".join([*head, plural(last)])


def checked_table_name(class_name: str) -> str:
    """`table_name(class_name)`, refused when the databases could not hold it."""
    table = table_name(class_name)
    if len(table) > MAX_NAME_LENGTH:
        raise CommandError(f"model {class_name!r} would get the table name {table!r}, {len(table)} characters long: "
                           f"databases allow {MAX_NAME_LENGTH}; pick a shorter name")
    return table
