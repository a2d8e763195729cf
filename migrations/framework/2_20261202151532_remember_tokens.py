"""framework/2_20261202151532_remember_tokens.py: remember tokens.

Written by `python3 nori.py migrate:make`. Each engine runs its own script below; review them
with `python3 nori.py migrate:sql`, and edit all three together.
"""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True

UPGRADE = {
    "sqlite": """
CREATE TABLE IF NOT EXISTS "remember_tokens" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "selector" VARCHAR(32) NOT NULL UNIQUE,
    "validator_hash" VARCHAR(64) NOT NULL,
    "user_id" INT NOT NULL,
    "expires_at" TIMESTAMP NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "rotated_at" TIMESTAMP
) /* The cookie holds `selector.validator`; the table holds the selector and a SHA-256 of the validator. */;
CREATE INDEX IF NOT EXISTS "idx_remember_to_user_id_210272" ON "remember_tokens" ("user_id");
CREATE INDEX IF NOT EXISTS "idx_remember_to_expires_88a3bc" ON "remember_tokens" ("expires_at");
""",
    "mysql": """
CREATE TABLE IF NOT EXISTS `remember_tokens` (
    `id` INT NOT NULL PRIMARY KEY AUTO_INCREMENT,
    `selector` VARCHAR(32) NOT NULL UNIQUE,
    `validator_hash` VARCHAR(64) NOT NULL,
    `user_id` INT NOT NULL,
    `expires_at` DATETIME(6) NOT NULL,
    `created_at` DATETIME(6) NOT NULL,
    `rotated_at` DATETIME(6),
    KEY `idx_remember_to_user_id_210272` (`user_id`),
    KEY `idx_remember_to_expires_88a3bc` (`expires_at`)
) CHARACTER SET utf8mb4 COMMENT='The cookie holds `selector.validator`; the table holds the selector and a SHA-256 of the validator.';
""",
    "postgres": """
CREATE TABLE IF NOT EXISTS "remember_tokens" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "selector" VARCHAR(32) NOT NULL UNIQUE,
    "validator_hash" VARCHAR(64) NOT NULL,
    "user_id" INT NOT NULL,
    "expires_at" TIMESTAMPTZ NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "rotated_at" TIMESTAMPTZ
);
CREATE INDEX IF NOT EXISTS "idx_remember_to_user_id_210272" ON "remember_tokens" ("user_id");
CREATE INDEX IF NOT EXISTS "idx_remember_to_expires_88a3bc" ON "remember_tokens" ("expires_at");
COMMENT ON TABLE "remember_tokens" IS 'The cookie holds `selector.validator`; the table holds the selector and a SHA-256 of the validator.';
""",
}

DOWNGRADE = {
    "sqlite": """
DROP TABLE IF EXISTS "remember_tokens";
""",
    "mysql": """
DROP TABLE IF EXISTS `remember_tokens`;
""",
    "postgres": """
DROP TABLE IF EXISTS "remember_tokens";
""",
}


async def upgrade(db: BaseDBAsyncClient) -> str:
    return UPGRADE[db.schema_generator.DIALECT]


async def downgrade(db: BaseDBAsyncClient) -> str:
    return DOWNGRADE[db.schema_generator.DIALECT]


MODELS_STATE = (
    "eJztXG1z2jgQ/isavlw6k2ZSAknuenMzJE2vuTZJL3Av06bjKLawNRjJtUUo0+O/30q28T"
    "sYAg5QvmRAuyvJz66k3cci32tdF/fJkLu9g9bAoOIDN2u/oO81Bq3wIU+8j2rYcRJC2Sbw"
    "g61MsFTUbG56SvXBEy7WBUi62PYINBnE013qCMqZ1L9hBCkbYiBQhNbX6H7gEVejxj2iHs"
    "LIsTFliDJBTOIijyNhEQQjID4QNn0kHjKITWQH0s47kAMbXIeRKTNXOMaA0a8DogluEtB2"
    "YaTPX6CZMoN8I578+rnW52CnKTxB5BKduwaMWvsiNZ2e1qXENhKYgxBEql0TI0e1nVHzko"
    "m3Slc+3IOmc3vQZ5G+MxIWZxMDeBDZahJGXAyzhjbhDiT8bGDbga9Cj/jPEan4DxCzMUgX"
    "D2zpRGntTyBqq2na9U1Ha190NK2WcXBoEfNH0KRzJoMDpuopAEw5hZc/1+tHRyf1w6Pj02"
    "bj5KR5engKumq+WdHJ2J9MhJbflcLs8vfL646cEIcI9INTNoyVDRbYt1J+itAPoiLrgkL8"
    "YxaznRBCHvNCgPHECaHKs3qh/qpx0jg9Om5MwJ+0TMM8xDfC019uWTjPLezm4xlZpOCEaZ"
    "aAMxPUWTyjnagKQPv4m2YTZgoLvjYPp6D3d+v2/F3rdq95+CIZtteBpK5ESYCTG0xZkJNW"
    "CwE9O26fEedXh2WABq1CpJUsCXW0e8+BdMJo+4A+bpTA+bhRCLMUJVHWLcxM4mUx/qN9c5"
    "2PccwkhbBBdYH+Qzb1lrMVV4r0FGQlFrLnvud9teOI7l21/k2Dff7h5kxhwz1huqoX1cFZ"
    "CnnqaNgwQCEH/OIAT1ptX4Q3miUivNEsjHApSu8j8JiemHsjiVttH86v6qdltuz6afGWLW"
    "WpzcQlEg4NiyzUb0AiaJ8U7CkJy/S2EpgehB+Wk5hUmujB8xk3zB4F407BvnN5ddHutK4+"
    "JnacN63OhZTUVeso1bp3nHLTpBP0z2XnHZJf0aeb64v0xjTR63yqyTnhgeAa40O5yUQQha"
    "0hjGNZTnV7sZReNjxgvTfEcPpmJLzOi3Szon69n27BDJvKZRJcOc2oUv5I3D71PN8deaV0"
    "TGF/RjHtTFTLVdPF3p9dq85VkP4o1egT66DiOnPehP1JqfqaQbv6TD0+szlATplVV3/Wap"
    "VgXW+WyWVAqxBrJRtXuNvGsiZu51UFV5iNOlz+VT69hMfHTM9bK9EOfAtdbdyyGYfRGrZG"
    "48eq+dzndImtcplQI3WsdLmrfNEjownQQZo58VMgiywDBWG5fGBaoZ3mJA43UPNpU7XuWu"
    "3z1ht14Gvpo2A861S9JX3SfyBuh/dI0cGa1Jl1trqBNpyJoF6Sre5YBOmc9yhBFocQRfce"
    "PJ8uuHvwiG0K2z13718r8lgNFGjJ76EiwsxAGLXftV7Wm8eId5V0Yp1lrysY847dsU5cvw"
    "sx7nfh8iEaUlhIAwGz6DtYTgsUIT8WHqIMtf/88DrZnWTUdYvoPWKAwh1TIYuZQDJT3pfk"
    "OoaunFE4D3/W8pUBYvyBGyOwOphO0O8xfscgbgk1GYLYfLEPNX6PSGj8uL5X47jkEXCD+W"
    "JF2/8Ej6ScLbvkjKBgJQfcPhpaEJKPxL1jCjwqCFhIQ6RWGFiV5P13uVSVuVQYtfMc9XGb"
    "rcupjuoljvmjeuEpL0XJhGqytjULe9Y8QGctt5DWXz4LWv17qHXjJ5b8Iop8c6gLec38TF"
    "DScvuYoA1hfkKQMtTP5vJ91e5Y20X4JQh1Lhb0etJyCV5fM4p9Q5xcuLbXh9ZVtXRB3RmU"
    "2dPLzZC+2JG4G5ZD7Ejc6kjcOdZ7Kle2Kevl0INnge3b97eSBMtndqOl/Bd0tSg7uB5bfY"
    "YfHC+NgU3Thk/mYZNvwjYq/hdgY5NPm+ZkI3o7ycZmGNc0JRuna5fAxkbn7rTTsE2mveEM"
    "pbPOxJCsK8e9vicjYiDOskSmz47+5CFqFNKL3JG8H+MoGDTLsy65f8mpzuIwUZzClD0TZi"
    "ToyhChFGF5xwLGUvK60RwkwN6ExURVkphT7gctfl9lvZb8aiif3VXkqhggCXQWzOJbhaH+"
    "k64ULvY6+NfugKlr0OhhQG1BmXcgh/1tVa+Jq75puCPjtrVgj3vZxp7QPEJy7mBMd3LCcE"
    "fFrYvTy1Bx1JkrN3AWzg3WjGhb9Z1hdbRDOs5ydsxifJNW24fzBl5omlVZTRiI/NIqTlBM"
    "ra2U61dEOn6OZ5pyDP/njDse8pl4yN3L4iWXCrvXiD9i7qIos7mWUcxiVcuoWucuYR1ljt"
    "IkwFl03/oc2HtSwQ3eNeXo5TGKh5PjMh5XuaTt+NnSkxZxqW4VJCeBcFZqgiO13bvQTVra"
    "03KQR+KGnH/pq4GRyRbeCVxabZL4dwrOXPV1oL6F6K7kZ0MwositsKf89DwyqZ4nfh4ecm"
    "mM8LMW3eP/AVwOfOA="
)
