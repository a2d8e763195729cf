from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from core.conf import Env, SettingError
from core.database import DatabaseSettings, tortoise_config
from core.secrets import development_key, resolve_secret_key

ROOT = Path(__file__).resolve().parents[1]


def env_from(tmp_path: Path, text: str, environ: dict[str, str] | None = None) -> Env:
    env_file = tmp_path / ".env"
    env_file.write_text(text)
    return Env(env_file, environ or {})


def test_environment_wins_over_the_file(tmp_path: Path) -> None:
    env = env_from(tmp_path, "DB_ENGINE=mysql\nAPP_NAME=from-file\n", {"DB_ENGINE": "postgres"})
    assert env.str("DB_ENGINE") == "postgres"
    assert env.str("APP_NAME") == "from-file"


def test_a_site_setting_needs_only_the_env_file(tmp_path: Path) -> None:
    env = env_from(tmp_path, "STRIPE_KEY=sk_test_1\nFEATURE_X=yes\nRETRIES=4\n")
    assert env.str("STRIPE_KEY") == "sk_test_1"
    assert env.bool("FEATURE_X") is True
    assert env.int("RETRIES", 1) == 4


@pytest.mark.parametrize(
    ("text", "reader", "fragment"),
    [
        ("DEBUG=maybe", lambda e: e.bool("DEBUG"), "DEBUG='maybe' is not a boolean"),
        ("DB_PORT=abc", lambda e: e.int("DB_PORT", 0), "DB_PORT='abc' is not an integer"),
        ("DB_PORT=70000", lambda e: e.int("DB_PORT", 0, maximum=65535), "out of range"),
        ("DB_ENGINE=oracle", lambda e: e.choice("DB_ENGINE", "sqlite", ("sqlite", "mysql", "postgres")),
         "DB_ENGINE='oracle' is not allowed: use one of sqlite, mysql, postgres"),
        ("TIMEZONE=Mars/Base", lambda e: e.timezone("TIMEZONE"), "not a time zone"),
        ("LOG_LEVEL=loud", lambda e: e.log_level("LOG_LEVEL"), "not a log level"),
        ("TRUSTED_PROXIES=10.0.0.0/8,nope", lambda e: e.networks("TRUSTED_PROXIES"), "'nope'"),
    ],
)
def test_bad_values_name_the_setting_and_the_value(tmp_path: Path, text: str, reader, fragment: str) -> None:
    with pytest.raises(SettingError) as info:
        reader(env_from(tmp_path, text + "\n"))
    assert fragment in str(info.value)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(("text", "prefix"), [("", "/api"), ("API_PREFIX=/v1/\n", "/v1"), ("API_PREFIX=\n", "")])
def test_api_prefix(tmp_path: Path, text: str, prefix: str) -> None:
    assert env_from(tmp_path, text).path_prefix("API_PREFIX", "/api") == prefix


def test_api_prefix_must_be_a_path(tmp_path: Path) -> None:
    with pytest.raises(SettingError, match="API_PREFIX='api' is not a URL path prefix: use one starting with /"):
        env_from(tmp_path, "API_PREFIX=api\n").path_prefix("API_PREFIX", "/api")


def test_lists_and_networks(tmp_path: Path) -> None:
    env = env_from(tmp_path, "TRUSTED_PROXIES=127.0.0.1, 10.0.0.0/8,\n")
    assert [str(n) for n in env.networks("TRUSTED_PROXIES")] == ["127.0.0.1/32", "10.0.0.0/8"]


def test_named_sections_read_each_name_s_own_variables(tmp_path: Path) -> None:
    env = env_from(tmp_path, "OAUTH_PROVIDERS=corp, Okta\nOAUTH_CORP_CLIENT_ID=a\nOAUTH_CORP_CLIENT_SECRET=b\n"
                             "OAUTH_CORP_ISSUER=https://corp.example\nOAUTH_OKTA_CLIENT_ID=c\nOAUTH_OKTA_CLIENT_SECRET=d\n"
                             "OAUTH_OKTA_ISSUER=https://okta.example\nOAUTH_OKTA_LABEL=Okta SSO\n")
    fields = ("CLIENT_ID", "CLIENT_SECRET", "ISSUER")
    assert env.sections("OAUTH_PROVIDERS", fields, optional=("LABEL",)) == {
        "corp": {"client_id": "a", "client_secret": "b", "issuer": "https://corp.example", "label": ""},
        "okta": {"client_id": "c", "client_secret": "d", "issuer": "https://okta.example", "label": "Okta SSO"},
    }
    with pytest.raises(SettingError, match=r"^OAUTH_PROVIDERS names corp, but OAUTH_CORP_ISSUER is not set$"):
        env_from(tmp_path, "OAUTH_PROVIDERS=corp\nOAUTH_CORP_CLIENT_ID=a\nOAUTH_CORP_CLIENT_SECRET=b\n").sections(
            "OAUTH_PROVIDERS", fields)
    with pytest.raises(SettingError, match="OAUTH_PROVIDERS names 'my-corp': use letters, digits and _"):
        env_from(tmp_path, "OAUTH_PROVIDERS=my-corp\n").sections("OAUTH_PROVIDERS", fields)


@pytest.mark.parametrize("key", ["", "change-me", "short-but-real"])
def test_production_refuses_a_weak_secret(key: str) -> None:
    with pytest.raises(SettingError, match="SECRET_KEY"):
        resolve_secret_key(key, debug=False)


def test_debug_gets_a_random_per_process_secret(caplog: pytest.LogCaptureFixture) -> None:
    first = resolve_secret_key("", debug=True)
    second = resolve_secret_key("", debug=True)
    assert first != second and len(first) >= 32
    assert "SECRET_KEY is not set" in caplog.text


def test_debug_keeps_its_generated_key_in_the_dev_key_file(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / ".nori-dev-key"
    first = resolve_secret_key("", debug=True, dev_key_file=path)
    assert path.read_text().strip() == first and len(first) >= 32
    assert path.stat().st_mode & 0o777 == 0o600
    assert caplog.text.count("generated a development key") == 1
    caplog.clear()
    assert resolve_secret_key("", debug=True, dev_key_file=path) == first
    assert caplog.text == ""  # warned once, when the key was made
    assert sorted(p.name for p in tmp_path.iterdir()) == [".nori-dev-key"]


def test_production_never_reads_the_dev_key_file(tmp_path: Path) -> None:
    path = tmp_path / ".nori-dev-key"
    development_key(path)
    with pytest.raises(SettingError, match="key:generate"):
        resolve_secret_key("", debug=False, dev_key_file=path)


def test_an_unwritable_project_falls_back_to_a_per_process_key(tmp_path: Path,
                                                              caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "missing-folder" / ".nori-dev-key"
    first = resolve_secret_key("", debug=True, dev_key_file=path)
    assert first != resolve_secret_key("", debug=True, dev_key_file=path)
    assert "cannot be written" in caplog.text and not path.exists()


def test_tortoise_config_has_both_apps_on_each_engine() -> None:
    for engine, backend in (("sqlite", "sqlite"), ("mysql", "mysql"), ("postgres", "asyncpg")):
        config = tortoise_config(DatabaseSettings(engine=engine, name="x"))
        assert set(config["apps"]) == {"framework", "models"}
        assert "aerich.models" in config["apps"]["framework"]["models"]
        assert config["connections"]["default"]["engine"].endswith(backend)
    mysql = tortoise_config(DatabaseSettings(engine="mysql", name="x"))["connections"]["default"]["credentials"]
    assert (mysql["port"], mysql["user"]) == (3306, "root")
    postgres = tortoise_config(DatabaseSettings(engine="postgres", name="x"))["connections"]["default"]["credentials"]
    assert (postgres["port"], postgres["user"]) == (5432, "postgres")


def load_settings(tmp_path: Path, env_text: str | None) -> subprocess.CompletedProcess:
    """Import settings.py in a fresh process, with its own env file and no inherited DB_* values."""
    env_file = tmp_path / "site.env"
    env_file.write_text(env_text or "")  # a named file must exist; an empty one sets nothing
    import os

    environ = {k: v for k, v in os.environ.items() if not k.startswith(("DB_", "DEBUG", "SECRET_KEY", "NORI_"))}
    environ["NORI_ENV_FILE"] = str(env_file)
    code = "import settings as s; print(s.DEBUG, s.DB_ENGINE, s.DATABASE.name, len(s.SECRET_KEY))"
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT / "rootsystem" / "application",
                          env=environ, capture_output=True, text=True, timeout=60)


def test_without_env_file_the_site_uses_development_defaults(tmp_path: Path) -> None:
    result = load_settings(tmp_path, None)
    assert result.returncode == 0, result.stderr
    debug, engine, name, key_length = result.stdout.split()
    assert (debug, engine) == ("True", "sqlite")
    assert name == str(ROOT / "db.sqlite3")
    assert int(key_length) >= 32
    assert (ROOT / ".nori-dev-key").is_file()  # the development key, kept for the next process


def test_debug_off_with_placeholder_secret_refuses_to_start(tmp_path: Path) -> None:
    app_dir = ROOT / "rootsystem" / "application"
    env_file = tmp_path / "prod.env"
    env_file.write_text("DEBUG=false\nSECRET_KEY=change-me\n")
    import os

    environ = {k: v for k, v in os.environ.items() if not k.startswith(("DB_", "DEBUG", "SECRET_KEY"))}
    environ["NORI_ENV_FILE"] = str(env_file)
    result = subprocess.run([sys.executable, "-c", "import asgi"], cwd=app_dir, env=environ,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "SECRET_KEY='change-me'" in lines[0] and "Traceback" not in result.stderr


def test_bad_engine_stops_the_server_with_one_line(tmp_path: Path) -> None:
    result = load_settings(tmp_path, "DB_ENGINE=oracle\n")
    assert result.returncode != 0
    assert "DB_ENGINE='oracle' is not allowed" in result.stderr
