"""Name-to-model registry for the features that look models up by name (shell, factories, hooks).

Tortoise already knows every model, but only by app label and only after initialisation; the
registry gives the site one flat, import-time namespace and friendly errors for typos.
"""

from __future__ import annotations

from typing import Any

_models: dict[str, type[Any]] = {}


def register_model(name: str, cls: type[Any]) -> type[Any]:
    """Register `cls` under `name`; registering the same class twice is harmless."""
    existing = _models.get(name)
    if existing is not None and existing is not cls:
        raise ValueError(
            f"Model name {name!r} is already registered to {existing.__module__}.{existing.__qualname__}; "
            f"pick another name for {cls.__module__}.{cls.__qualname__}"
        )
    _models[name] = cls
    return cls


def get_model(name: str) -> type[Any]:
    """The class registered under `name`; a miss names what exists and the closest match."""
    try:
        return _models[name]
    except KeyError:
        pass
    import difflib  # only to word a miss

    message = f"Model {name!r} not found."
    close = difflib.get_close_matches(name, list(_models), n=1, cutoff=0.5)
    if not close:
        lowered = {key.lower(): key for key in _models}
        close = [lowered[name.lower()]] if name.lower() in lowered else []
    if close:
        message += f" Did you mean {close[0]!r}?"
    registered = ", ".join(sorted(_models)) or "none"
    raise LookupError(f"{message} Registered models: {registered}. Register it in models/__init__.py.")


def registered_models() -> dict[str, type[Any]]:
    """A copy, so callers cannot register behind the validation above."""
    return dict(_models)


def unregister_model(name: str) -> None:
    """Remove a name; meant for tests that register throwaway models."""
    _models.pop(name, None)
