from __future__ import annotations

import pytest

from core.registry import get_model, register_model, registered_models, unregister_model
from models.user import User


def test_site_user_is_registered() -> None:
    import models  # noqa: F401  (registers the site's models)

    assert get_model("User") is User
    assert registered_models()["User"] is User


def test_registering_the_same_class_twice_is_harmless() -> None:
    register_model("User", User)
    assert get_model("User") is User


def test_a_different_class_under_a_taken_name_raises() -> None:
    class Impostor:
        pass

    with pytest.raises(ValueError, match="already registered"):
        register_model("User", Impostor)
    assert get_model("User") is User


def test_unknown_name_suggests_the_closest_and_lists_names() -> None:
    with pytest.raises(LookupError) as info:
        get_model("Usr")
    message = str(info.value)
    assert "Model 'Usr' not found. Did you mean 'User'?" in message
    assert "User" in message.split("Registered models:")[1]


def test_registered_models_is_a_copy() -> None:
    snapshot = registered_models()
    snapshot["Ghost"] = object
    with pytest.raises(LookupError):
        get_model("Ghost")
    unregister_model("Ghost")
