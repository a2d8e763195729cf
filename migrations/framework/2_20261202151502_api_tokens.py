"""framework/2_20261202151502_api_tokens.py: api tokens.

Written by `python3 nori.py migrate:make`. Each engine runs its own script below; review them
with `python3 nori.py migrate:sql`, and edit all three together.
"""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True

UPGRADE = {
    "sqlite": """
CREATE TABLE IF NOT EXISTS "api_tokens" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "user_id" INT NOT NULL,
    "name" VARCHAR(100) NOT NULL,
    "selector" VARCHAR(16) NOT NULL UNIQUE,
    "secret_hash" VARCHAR(64) NOT NULL,
    "scopes" JSON NOT NULL,
    "expires_at" TIMESTAMP,
    "last_used_at" TIMESTAMP,
    "revoked_at" TIMESTAMP,
    "created_at" TIMESTAMP NOT NULL
) /* Found by `selector` (the public half of the token), checked against `secret_hash`. */;
CREATE INDEX IF NOT EXISTS "idx_api_tokens_user_id_26a191" ON "api_tokens" ("user_id");
CREATE TABLE IF NOT EXISTS "refresh_tokens" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "user_id" INT NOT NULL,
    "family" VARCHAR(32) NOT NULL,
    "selector" VARCHAR(16) NOT NULL UNIQUE,
    "secret_hash" VARCHAR(64) NOT NULL,
    "scopes" JSON NOT NULL,
    "expires_at" TIMESTAMP NOT NULL,
    "used_at" TIMESTAMP,
    "revoked_at" TIMESTAMP,
    "created_at" TIMESTAMP NOT NULL
) /* Each refresh gives a new token in the same `family` and marks this one `used_at`. */;
CREATE INDEX IF NOT EXISTS "idx_refresh_tok_user_id_9ddaa8" ON "refresh_tokens" ("user_id");
CREATE INDEX IF NOT EXISTS "idx_refresh_tok_family_8ce7f3" ON "refresh_tokens" ("family");
""",
    "mysql": """
CREATE TABLE IF NOT EXISTS `api_tokens` (
    `id` INT NOT NULL PRIMARY KEY AUTO_INCREMENT,
    `user_id` INT NOT NULL,
    `name` VARCHAR(100) NOT NULL,
    `selector` VARCHAR(16) NOT NULL UNIQUE,
    `secret_hash` VARCHAR(64) NOT NULL,
    `scopes` JSON NOT NULL,
    `expires_at` DATETIME(6),
    `last_used_at` DATETIME(6),
    `revoked_at` DATETIME(6),
    `created_at` DATETIME(6) NOT NULL,
    KEY `idx_api_tokens_user_id_26a191` (`user_id`)
) CHARACTER SET utf8mb4 COMMENT='Found by `selector` (the public half of the token), checked against `secret_hash`.';
CREATE TABLE IF NOT EXISTS `refresh_tokens` (
    `id` INT NOT NULL PRIMARY KEY AUTO_INCREMENT,
    `user_id` INT NOT NULL,
    `family` VARCHAR(32) NOT NULL,
    `selector` VARCHAR(16) NOT NULL UNIQUE,
    `secret_hash` VARCHAR(64) NOT NULL,
    `scopes` JSON NOT NULL,
    `expires_at` DATETIME(6) NOT NULL,
    `used_at` DATETIME(6),
    `revoked_at` DATETIME(6),
    `created_at` DATETIME(6) NOT NULL,
    KEY `idx_refresh_tok_user_id_9ddaa8` (`user_id`),
    KEY `idx_refresh_tok_family_8ce7f3` (`family`)
) CHARACTER SET utf8mb4 COMMENT='Each refresh gives a new token in the same `family` and marks this one `used_at`.';
""",
    "postgres": """
CREATE TABLE IF NOT EXISTS "api_tokens" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "user_id" INT NOT NULL,
    "name" VARCHAR(100) NOT NULL,
    "selector" VARCHAR(16) NOT NULL UNIQUE,
    "secret_hash" VARCHAR(64) NOT NULL,
    "scopes" JSONB NOT NULL,
    "expires_at" TIMESTAMPTZ,
    "last_used_at" TIMESTAMPTZ,
    "revoked_at" TIMESTAMPTZ,
    "created_at" TIMESTAMPTZ NOT NULL
);
CREATE INDEX IF NOT EXISTS "idx_api_tokens_user_id_26a191" ON "api_tokens" ("user_id");
COMMENT ON TABLE "api_tokens" IS 'Found by `selector` (the public half of the token), checked against `secret_hash`.';
CREATE TABLE IF NOT EXISTS "refresh_tokens" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "user_id" INT NOT NULL,
    "family" VARCHAR(32) NOT NULL,
    "selector" VARCHAR(16) NOT NULL UNIQUE,
    "secret_hash" VARCHAR(64) NOT NULL,
    "scopes" JSONB NOT NULL,
    "expires_at" TIMESTAMPTZ NOT NULL,
    "used_at" TIMESTAMPTZ,
    "revoked_at" TIMESTAMPTZ,
    "created_at" TIMESTAMPTZ NOT NULL
);
CREATE INDEX IF NOT EXISTS "idx_refresh_tok_user_id_9ddaa8" ON "refresh_tokens" ("user_id");
CREATE INDEX IF NOT EXISTS "idx_refresh_tok_family_8ce7f3" ON "refresh_tokens" ("family");
COMMENT ON TABLE "refresh_tokens" IS 'Each refresh gives a new token in the same `family` and marks this one `used_at`.';
""",
}

DOWNGRADE = {
    "sqlite": """
DROP TABLE IF EXISTS "refresh_tokens";
DROP TABLE IF EXISTS "api_tokens";
""",
    "mysql": """
DROP TABLE IF EXISTS `refresh_tokens`;
DROP TABLE IF EXISTS `api_tokens`;
""",
    "postgres": """
DROP TABLE IF EXISTS "refresh_tokens";
DROP TABLE IF EXISTS "api_tokens";
""",
}


async def upgrade(db: BaseDBAsyncClient) -> str:
    return UPGRADE[db.schema_generator.DIALECT]


async def downgrade(db: BaseDBAsyncClient) -> str:
    return DOWNGRADE[db.schema_generator.DIALECT]


MODELS_STATE = (
    "eJztXFtz2jgU/isav2wyk2ZSAkm23dkZkqbbbJukk7CXadMxwhZYg5FcS4QyXf77SrKNr4"
    "BNuRjqlzZI50jyd3Q5+s6xv2tdFw7QiLr946aDW7SPiPYKfNeIKBV/ZFUfAQ06TqxSlnHY"
    "sZUKdLDOpSRToh3GXWhwUdOFNkOiyETMcLHDMZV9aW/pkJigMwZthmxkcOq2wQG3EHCGHR"
    "sbwIJ2F9AukEWq3cMjYFjI6CMTwB7EhHGpariI6xZkVvtY9mtSQ3SMSW89XTyRJ9IEBnXG"
    "Uz35/MBGnAFCO9QcA0xeqRpPEWAuOu8CLOrRM3IBE8NA5jFoDxlydWy2ZRUEji36eyKYcN"
    "QTUgeEgq4QxD0C+mh8CBiNdCfBZ2BkQa6aVL1hjn5hQDYKBtREtmj2tRi9GCtibQBd9ESk"
    "XPPqgxBzkDvAjAlTAGlyFkIABnAsW1FoDgn+OkTCrD0kBFyB6ecvohgTE31DLPjp9PUuRr"
    "YZm0HYlA2ocp2PHVV2Q/hbJSgN1dENag8HJBR2xtyiZCotoJClPUSQKx5UNs/doZxJZGjb"
    "/rQLJpc30lDEG2JEx0RdOLTlfJTa3gDCMk3X7+5b+uN1S9e11FwNNCJzyy8yKJHzXAyVqa"
    "fvySG8qL2sn9cvTs/qF0JEDXNacj7xug6B8RQVPHctbaLqIYeehMI4BNWfMgWQjWgshjcA"
    "cx6+QcEuAxwCqv5PoXllQTcbzkA+gaUY4mqwDPfKTYA5gN90G5Eet8TPlycnc6D7u/lw9a"
    "75cCCkDmWXVGzu3r5/51fVvLo4vsG+WwTjqM5qcN7unhBH+SwPyGezMT5LQzw9n4qhHFPb"
    "wwl9Vs8B9Vl9JtSyKgG1OkzTKP/5eH83A+WpRgJgExsc/AdszFa0C6eB1n7rDokhMQSdIb"
    "a5cGeOZX+/a2uCfw7cEiHZ8oCxr3YU5oPb5r9JC1x9uL9UkFHGe65qRTVwmTAH+uZgUa1D"
    "njbJGwEmxwOUbZa4ZtI0vupx8EcOA/kbSlkWwhxLtG5urx9bzduPMXO8abauZU1NlY4TpQ"
    "fJ/WjaCPjnpvUOyJ/g0/3dddJqU7nWJ02OCQ451Qkd6dCMYhIUB0UxK9uQcV24MeYSdk7q"
    "VpYus6Vd9CxuIMvYOa5ZWbnMVhZuh8R9CSvHNVdg5dL5L+IBzXtij/0ZuCNm9xdLyuqSG+"
    "j2IxdZWdCBRn8EXVNP1dAanSWbrhrUBskSSGBP2UyCK4cZIbGGJuYfaE+bwXEF1UeLOC4p"
    "qNu0l5PjuicIKB1JKClX7HUm7wMC2sdneUQPgA65jZ8RA6a4D8kGpB5Lk1xr6mMx9fNZUz"
    "yTHtyJXWRQYStsal8KsUKXuPezEEO/1mqnp+e1k9Ozi0b9/LxxcTIlMNJV85iMy5s/JJkR"
    "W81lpI8Wn6O7zB55y63IrTvU2MMLdyMPgdSYzR81UvRRfIPJC3JcaymgS+b/bYCpC3fvAk"
    "jHlPYP6NUzSIYFSa8YhRRR+SEOqWRIb5oswo70VoVABvizJ3hca/9meL2RY4bXGzNnuKxK"
    "7iPiMRkvvJFEtfYP55e1izxbdu1i9pYt6yY7fJPeqKNXXaTXc5H+OM0b0LKv0hGBowWX6T"
    "AHId9terb1qzSFcqUpbDeqXqZo7zo89ejICoCcUNvc/VNbV7wxjnWtkceXEVIzsVZ1kw3u"
    "thGvidpZt4JbSMYtKv9VNr0Rjw+JkbVWwh34QTS1c8tmEszWoDTsP3Kbz3xOF9nKlwkkEs"
    "dKl7rKFn00ngLtu5lTO/l1oaYvwC2XDntWoKc7scNNiHm0qVp3zcer5ht14OvJo2Cy6FR9"
    "QF3hIFjz0jBjIotOVtcTLpSOeQ0NC/iKoKdIYQgIGvlZgZh4WYaiO9DuwgG2x20AiQkGUK"
    "YicgszQAlSzLP0KzOyMVfeg5eM6Wk7olVEeJC4CWCXIxdgDkZQJUWKZhAkDDA6QLKVPnK4"
    "6F5mcnrZmiNLWBh4/QLMnogfUwQH7TC62D48EoJYPIeMAUj6HHQot7zsSQujrhqw/EVHYg"
    "4cg4wM1KMnMjfH9HWO5NF8BH3l9FS5mTsHcGTzU2uxiIsTaqzLu9meK3lay+HdnNZmOjey"
    "qsrNrHIzy8GHVbmZVW7mpnIzy7YSdoSMzJXMtWReZpWSuSP2rVIyfwYr71YgqUrJ3IdIkq"
    "LvZnBdPrM3n+MKGNMqbrRjN/wqbrS5uFGB9Z5gsmxM+hnXqUtf9+37B8m7ZweTwqX8l2hq"
    "2YBEOQ74VEhisrKgTzJS8cOhn3jwfafm/xIBoPjTJsNAYUQtHgBKBXmSUaBohGgFAaDw3J"
    "13Gj6ieUkVQe2iM5GhAukU2ns0RiagBEDw+K75otY4C75pYVDax/JrEtg8kq8LwIwvXlAH"
    "EfnJC+B3mo73rLh9Ge2Z+15D1iczEDHFaISoVBQdBggBP5jkT/Yn4hlyGr4p9JmNdYRj5q"
    "QkLp8iV64lvx5GsEwBmv1++0ECXYRvDeTLwbbKbiu2dSts6xb8irLf1/O/Cc8Qykj7yvEa"
    "fKBYkTRlMfoskib+2kIh38BZ2jcoGb267tcU1NEu3HGSsWPOxjeutX8472AO5aKb1ZSByL"
    "5aRQmKuXcrZfo1kY6fo56m7MN7g7riIatUrl0GuAow/dy+i6LMCi2jiMa6ltFmjbuCdZQ6"
    "SuMAp9F963Fg79EGXhooKUcvj1E4mh6X0XmVSdpOtuaeNJGLDWuGc+JXLnJNYChWxUJ3aW"
    "nP80GekRtw/nlvJxGVPUwZXdndJPYFF6fQ/doX30N01/KmouiRZ96w53ztIlTZPE+8HR5y"
    "ZYzwVi/dk/8BakH37A=="
)
