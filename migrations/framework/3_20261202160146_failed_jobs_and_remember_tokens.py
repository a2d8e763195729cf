"""framework/3_20261202160146_failed_jobs_and_remember_tokens.py: failed jobs and remember tokens.

Written by `python3 nori.py migrate:make`. Each engine runs its own script below; review them
with `python3 nori.py migrate:sql`, and edit all three together.
"""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True

UPGRADE = {
    "sqlite": """
CREATE TABLE IF NOT EXISTS "failed_jobs" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "job_id" VARCHAR(255) NOT NULL,
    "name" VARCHAR(255) NOT NULL,
    "queue" VARCHAR(100) NOT NULL,
    "kwargs" JSON NOT NULL,
    "exception" TEXT NOT NULL,
    "traceback" TEXT NOT NULL,
    "attempts" INT NOT NULL,
    "failed_at" TIMESTAMP NOT NULL
) /* Written by both queue drivers, in the site's database rather than the queue's. */;
CREATE INDEX IF NOT EXISTS "idx_failed_jobs_queue_9992bb" ON "failed_jobs" ("queue");
CREATE INDEX IF NOT EXISTS "idx_failed_jobs_failed__4ab6cf" ON "failed_jobs" ("failed_at");
CREATE TABLE IF NOT EXISTS "remember_tokens" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "selector" VARCHAR(32) NOT NULL UNIQUE,
    "validator_hash" VARCHAR(64) NOT NULL,
    "user_id" INT NOT NULL,
    "expires_at" TIMESTAMP NOT NULL,
    "created_at" TIMESTAMP NOT NULL
) /* The cookie holds `selector.validator`; the table holds the selector and a SHA-256 of the validator. */;
CREATE INDEX IF NOT EXISTS "idx_remember_to_user_id_210272" ON "remember_tokens" ("user_id");
CREATE INDEX IF NOT EXISTS "idx_remember_to_expires_88a3bc" ON "remember_tokens" ("expires_at");
""",
    "mysql": "CREATE TABLE IF NOT EXISTS `failed_jobs` (\n    `id` BIGINT NOT NULL PRIMARY KEY AUTO_INCREMENT,\n    `job_id` VARCHAR(255) NOT NULL,\n    `name` VARCHAR(255) NOT NULL,\n    `queue` VARCHAR(100) NOT NULL,\n    `kwargs` JSON NOT NULL,\n    `exception` LONGTEXT NOT NULL,\n    `traceback` LONGTEXT NOT NULL,\n    `attempts` INT NOT NULL,\n    `failed_at` DATETIME(6) NOT NULL,\n    KEY `idx_failed_jobs_queue_9992bb` (`queue`),\n    KEY `idx_failed_jobs_failed__4ab6cf` (`failed_at`)\n) CHARACTER SET utf8mb4 COMMENT='Written by both queue drivers, in the site\\'s database rather than the queue\\'s.';\nCREATE TABLE IF NOT EXISTS `remember_tokens` (\n    `id` INT NOT NULL PRIMARY KEY AUTO_INCREMENT,\n    `selector` VARCHAR(32) NOT NULL UNIQUE,\n    `validator_hash` VARCHAR(64) NOT NULL,\n    `user_id` INT NOT NULL,\n    `expires_at` DATETIME(6) NOT NULL,\n    `created_at` DATETIME(6) NOT NULL,\n    KEY `idx_remember_to_user_id_210272` (`user_id`),\n    KEY `idx_remember_to_expires_88a3bc` (`expires_at`)\n) CHARACTER SET utf8mb4 COMMENT='The cookie holds `selector.validator`; the table holds the selector and a SHA-256 of the validator.';\n",
    "postgres": """
CREATE TABLE IF NOT EXISTS "failed_jobs" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "job_id" VARCHAR(255) NOT NULL,
    "name" VARCHAR(255) NOT NULL,
    "queue" VARCHAR(100) NOT NULL,
    "kwargs" JSONB NOT NULL,
    "exception" TEXT NOT NULL,
    "traceback" TEXT NOT NULL,
    "attempts" INT NOT NULL,
    "failed_at" TIMESTAMPTZ NOT NULL
);
CREATE INDEX IF NOT EXISTS "idx_failed_jobs_queue_9992bb" ON "failed_jobs" ("queue");
CREATE INDEX IF NOT EXISTS "idx_failed_jobs_failed__4ab6cf" ON "failed_jobs" ("failed_at");
COMMENT ON TABLE "failed_jobs" IS 'Written by both queue drivers, in the site''s database rather than the queue''s.';
CREATE TABLE IF NOT EXISTS "remember_tokens" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "selector" VARCHAR(32) NOT NULL UNIQUE,
    "validator_hash" VARCHAR(64) NOT NULL,
    "user_id" INT NOT NULL,
    "expires_at" TIMESTAMPTZ NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL
);
CREATE INDEX IF NOT EXISTS "idx_remember_to_user_id_210272" ON "remember_tokens" ("user_id");
CREATE INDEX IF NOT EXISTS "idx_remember_to_expires_88a3bc" ON "remember_tokens" ("expires_at");
COMMENT ON TABLE "remember_tokens" IS 'The cookie holds `selector.validator`; the table holds the selector and a SHA-256 of the validator.';
""",
}

DOWNGRADE = {
    "sqlite": """
DROP TABLE IF EXISTS "remember_tokens";
DROP TABLE IF EXISTS "failed_jobs";
""",
    "mysql": """
DROP TABLE IF EXISTS `remember_tokens`;
DROP TABLE IF EXISTS `failed_jobs`;
""",
    "postgres": """
DROP TABLE IF EXISTS "remember_tokens";
DROP TABLE IF EXISTS "failed_jobs";
""",
}


async def upgrade(db: BaseDBAsyncClient) -> str:
    return UPGRADE[db.schema_generator.DIALECT]


async def downgrade(db: BaseDBAsyncClient) -> str:
    return DOWNGRADE[db.schema_generator.DIALECT]


MODELS_STATE = (
    "eJztXftz2zYS/lcw+iX2jOpJ5Gfjm5uRHbtx49g9W3ftNO5QEAmJOFEAS0BRND3/74cF3w"
    "896EoypfCXxCZ2AfBbPBYfd+G/Gn0Pj8iEe8ODtks7fEhY4z36q8HUU/VDUXETNbDrpgrh"
    "mcQ9R6tglxoSJIUW7QnpYVOqkj52BFGPLCJMj7qScmircc3HzEK9KeoK4hBTcq+L9qRNkD"
    "vuOdRENnb6iPcRPNL17jeRaRNzSCyEB5gyIUHV9Ig0bCzs7gG0a3FTNUzZYD1NPLEn1kYm"
    "d6eRHrw/cogUiPEet6aIsve6xFdEVKrG+4iqcvKVeEiobhDrAHXHgngGtbpQhJHrqPaeGG"
    "WSDJTUHuOorwTpgKEhme4jwRPNAfgCTWwsdZW6NSrJG4GgUjTiFnFUteeq96qvRHQR9sgT"
    "A7n25a0Sc4k3okIoUyAwuYghQCM8hVo0mmNG/xwTZdYBUQKewvTLH+oxZRb5RkT4qzs0+p"
    "Q4VmoEUQsq0M8NOXX1sxsmr7UgGKpnmNwZj1gs7E6lzVkkraCApwPCiKdeFKqX3hhGEhs7"
    "TjDswsHl9zQW8buY0LFIH48dGI+g7XcgftYwjLv7jvF41TGMRm6shhqJsRU8MjmDca66Kv"
    "TbD6ALP7TeHZ0enR2eHJ0pEd3N6Mnps990DIyvqOG56zSedTmW2JfQGMegBkOmBLIJjcXw"
    "hmDOwzd8sM0Ax4Dq/3NoXtrYK4YzlM9gqbq4GizjtXITYI7wN8MhbCBt9eu7t2/nQPef9s"
    "Plx/bDnpLahya5Wtz9df8uKGr5ZWl8w3W3DMZJndXg/LprQhrlk2VAPpmN8Uke4mh/Kody"
    "Sm0HB/TJ0RJQnxzNhBqKMlDrzTSP8s+P93czUI40MgBb1JTof8ihYkWrcB7oxj/6Y2YChq"
    "g3po5U7swBtPfPxprgnwM3IAQ1j4T400nCvPe5/VvWApe39xcaMi7kwNO16AouMuYg31yq"
    "ig0s8yb5oMCUdESKzZLWzJomUD0If1jCQMGCUpWJMMcSnZvPV4+d9udfUub40O5cQUlLP5"
    "1mnu5l16OoEvTrTecjgl/R7/d3V1mrRXKd3xvQJzyW3GB8YmAriUn4OHyUsrKDhTSUG2O9"
    "wM5Z3drSVba0R76qE8hL7JzWrK1cZSsrtwNwf4GV05orsHLl/Bf1gtY9c6bBCNwSsweTJW"
    "d14Ab6w8RBFh70sDmcYM8yciW8xWfJ5otGrVH2CWZ4oG0G4EI3EyTW2KLylg8aMziusLi5"
    "iOMCQcPhgyU5rntGkNYBQkm7YueFvA8KaZ+A5VEtID6WDv1KBLLUeQgqAD2RJ7nW1MZi6u"
    "dLQ/NMRngm9ojJla2o1fijFCt0QQffCzH0Y6t1eHjaent4cnZ8dHp6fPY2IjDyRfOYjIub"
    "n4DMSM3mKtJHi/fRbWaP/OlW5tQda+zggft4GQLpeDZ/dJyjj9ILzLIgp7VeBHTF/L8NMH"
    "Xx6l0C6ZTS7gG9egbJtDEblKOQEip/i0OqGNKbJouoC96qEigAf/YAT2vt3gg/Ol5ihB8d"
    "zxzhUJRdR9RrCll6IUlq7R7O71pnyyzZrbPZSzaUPW/xSXqjjl59kF7PQfoaU4dYP/Neo/"
    "gkHZc3Fxyl+1rS+C/vLXmW/tWjUhIG4Rw9Lm2kxtmYIMtT51dPNNXpNhkGAUegHhYEqTFr"
    "6wgJ7JdrrTcFx+jVVu/HiTwQS52/+85Y2Ih7SMkoSJAaCxJ7Eo3GQiLGJZJ4SLS2705BZA"
    "mEdiAfIjShqjtUNpW+BWJPLNsL6sdv6MgSBBEhU3Wgdx0+HREmEXZgNqjXUoNAoLF7gLoK"
    "9ZAdSPQaUeuJ6fgYfxpD4EkTolAQDp8oxf0mMAhU6kARj7hqJTlH3aA23e+uru+9R6Q37e"
    "q3W5ZSqHmDSvIG/nAps5/HGjt4zm0dL+M1KamZm7kuqyNRNomvXpPKABwprAvhVwxCWQeB"
    "AA7GoNTJNtaoRnAENLtDwREmcYvpyQ75NmPbTCntxMoyz/O/+q0zH/bI8b+9v/spFM/aIg"
    "07OLEEPK0ysKeUathfADtWvvvIlQXLz0wXMamyrtDYzW6iK/66EZzQyrMLKcWaXKjJhSXJ"
    "hV+ipIRGMbuQEGguoBfiBIfl6IXZ1q9zIKqVA/G6B6UqhZKvw4tP9qwEyBm1zfkwjXX562"
    "s6km5utU18kuFO0SfHz5hNOxz+1Ta9Ua+PmVk0V+IV+EFVtXXT5jkcreHTuP1EqEDhe3rE"
    "0R9KQonMttLnnrbFkEwjoAPeK7JTUBZrBgLS9vh4YId6hpva3JSYH5Ol51378bL9QW/4Rn"
    "YreF60qz6QvnIQ7Hk5nimRRTur5wuXyvW8wqaNAkU00BFnGDEyCVIOQ3JdNYe6fTyizrSr"
    "2e4RhjxHaVOBOCM6rA38yoJUz5W34DP4vraraiVMhlmhCPcl8YACn2CdcamqIZgJJPiIQC"
    "1DdYhWzUOaqJ8KOrGVhZHfLqLiiQUBy2ivG4cud/ebSpCq94AAQ4jN879E6NRMm5J++AEA"
    "8YkaAweoIL21+cTmJrCeL5GZugaqvnZ66sTPKgCcPNzCXCzj4sQau0cIH7aW8G4OWzOdGy"
    "iqEz/rxM9qfD+qEz/rxM9NJX5WbSZsCRm5VKbYC5M+63zPLbFvne/5PVh5u6JU63zPXfiS"
    "9EBGZNQj3nzSKynTXMh6+dKlaK+OTZDJ+ZASZHPV9ZioOfiKHapGLvcCSsa/18uX8ikaX1"
    "BzPhg9fmz/0Do+CS8di7TzRNgG2gRqrJOU76v541fh8YmOVwXyyuQjF0O3Ar5JAAv3+K/b"
    "83R1wD+FnBXcgKbnCGYSwaTWsaa46MI1oMiiC9eKb1OLMl73GH9iydvUmsr/HhKAxudyu7"
    "odvatAf7HOg30jfPpPoIAcDFaJIFk2un7Nv1et6P61mkqrIJVWMxNrJ3+iuV2anMhr1vzE"
    "EvxETQ+vmB7eLobhFT6mVt1HrY8m9dGkmkcTrl+48EQSBB3MP4iEwRx1SNuW7S51SNvmQt"
    "pKzPeMF+VQNiz40nMR6F5/eoCQoOI4t3gq/1tV9dJYqWpwj7loqeeVxaNlg6j+dlRaOi54"
    "q8b/C2LT0m+bjVCLg/3SsWm5+LNsgFoyeG0FsWnxvjtvN3wk8+K9w9JFe2JI4yzHyn0iU2"
    "IhzvIUl8+b6UTomcQTd4ERYhwFjeYZuBXXD2zbInYr96cCCLNSRFaIUIbKemIBlxVGlpX6"
    "8wLroLfmXMWywnTiCm15qyIDqhQ7ttu3vgHQeTBnh4KE8tUIBNmxJNeaptl9mkbf4i0IKc"
    "hIWeL671CxJmmqYvRZJE36urZSvoH7Yt+gYpEf676eTW/tyh1nBSvmbHzTWruH8xamdy06"
    "WUUMRPHRKklQzD1badOviXT8kvQ0oQ3/5uiah6yzTLYZ4PoD0/ftu2jKrNQ0SmjUV5EE8y"
    "i3laYBzqN77XNgn8gG8pkrytHDNoon0XaZHFeFpO3zq7knbeJR057hnASFi1wTHIvV30K3"
    "aWrP80HgutWSl08kVHYwWmwttyHCvCqBcCC+g+iu5RIV1aIsPGHPueU/Vtk8T/w6POTKGO"
    "FXPXQ//x8hLVG3"
)
