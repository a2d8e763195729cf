"""The CSRF check reads its one field of a urlencoded body exactly as the parsed form would."""

from __future__ import annotations

from urllib.parse import parse_qsl

from hypothesis import given
from hypothesis import strategies as st

from core.http.csrf import FIELD_NAME, urlencoded_field

# Bodies built from the characters that change how a urlencoded body splits and decodes.
PIECES = st.sampled_from(["csrf_token", "csrf%5Ftoken", "csrf+token", "csrf_token+", "=", "&", "%", "%2", "%41",
                          "+", "a", "é", "%C3%A9", "%00", ";", "", "==", "csrf_token="])
BODIES = st.lists(PIECES, max_size=12).map("".join)


def parsed_form_value(body: str, name: str) -> str | None:
    found = None
    for key, value in parse_qsl(body, keep_blank_values=True, encoding="latin-1"):
        if key == name:
            found = value
    return found


@given(BODIES)
def test_the_field_is_what_parse_qsl_gives_for_any_body(body: str) -> None:
    raw = body.encode("utf-8")
    assert urlencoded_field(raw, FIELD_NAME) == parsed_form_value(raw.decode("latin-1"), FIELD_NAME)


def test_the_last_of_repeated_fields_wins_and_an_escaped_key_counts() -> None:
    assert urlencoded_field(b"csrf_token=one&title=x&csrf%5Ftoken=two+%26", FIELD_NAME) == "two &"
    assert urlencoded_field(b"title=x&csrf_token", FIELD_NAME) == ""
    assert urlencoded_field(b"title=x&csrf_tokens=y", FIELD_NAME) is None
