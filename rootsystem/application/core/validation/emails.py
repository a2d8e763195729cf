"""Email addresses as identities: one normal form, and no lookalikes of another address.

Two strings that a person reads as the same address must be stored and compared as the same
string, or `ada@example.com` gets a twin account spelt with fullwidth letters, a zero-width
space or a decomposed accent. `normalise_email` gives that form:

- invisible code points are removed (Unicode's default-ignorable set: zero-width spaces and
  joiners, bidirectional controls, the soft hyphen, variation selectors, ...);
- NFKC folds compatibility forms (fullwidth U+FF41 is `a`) and composes accents (`e` + U+0301 is `é`);
- the whole address is case-folded, the part before `@` included: RFC 5321 lets a server treat
  `Ada` and `ada` as different mailboxes, but no mainstream provider does, and two accounts that
  differ by case are the simplest lookalike of all;
- surrounding whitespace is dropped.

What normalisation cannot merge, `mixed_scripts` refuses: a local part whose letters come from
scripts that are not used together (Latin `a` beside a Cyrillic U+043E `o`), following the "highly
restrictive" level of Unicode TS #39. A local part written wholly in another script is allowed.
"""

from __future__ import annotations

import re
import unicodedata

DEFAULT_IGNORABLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f"
    "\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0000-\U000e0fff]"
)
# Scripts a single local part may combine (TS #39 "highly restrictive"): Latin with the
# Japanese, Korean or Chinese sets. Scripts are named by the first word of a letter's Unicode name.
HAN = frozenset({"CJK", "IDEOGRAPHIC"})
SCRIPT_SETS = (
    frozenset({"LATIN", "HIRAGANA", "KATAKANA", "KATAKANA-HIRAGANA"}) | HAN,
    frozenset({"LATIN", "HANGUL"}) | HAN,
    frozenset({"LATIN", "BOPOMOFO"}) | HAN,
)


def normalise_email(value: str) -> str:
    """The form an address is stored, looked up and counted in (see the module docstring)."""
    visible = DEFAULT_IGNORABLE.sub("", value)
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", visible).casefold()).strip()


def scripts(text: str) -> set[str]:
    """The scripts of the letters in `text`; digits, punctuation and marks belong to none."""
    found = set()
    for char in text:
        if unicodedata.category(char).startswith("L"):
            found.add(unicodedata.name(char, "UNKNOWN").split(" ", 1)[0])
    return found


def mixed_scripts(local_part: str) -> bool:
    """True when the letters mix scripts that no language writes together."""
    if local_part.isascii():
        return False
    used = scripts(local_part)
    return len(used) > 1 and not any(used <= allowed for allowed in SCRIPT_SETS)
