"""The ASGI entry point servers load: `uvicorn asgi:app` from `rootsystem/application`."""

from __future__ import annotations

from core.conf import SettingError

try:
    import settings
    from core.kernel import create_app
    from core.logs import configure_logging
except SettingError as error:  # a bad setting stops the server with one readable line
    raise SystemExit(f"nori: {error}") from None

configure_logging(settings.LOG_LEVEL, settings.LOG_FORMAT)
app = create_app()
