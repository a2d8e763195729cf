"""models/0_20261202071007_init.py: the app's initial tables.

Written by `python3 nori.py migrate:make`. Each engine runs its own script below; review them
with `python3 nori.py migrate:sql`, and edit all three together.
"""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True

UPGRADE = {
    "sqlite": """
CREATE TABLE IF NOT EXISTS "users" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "slug" VARCHAR(50) NOT NULL UNIQUE,
    "name" VARCHAR(100) NOT NULL,
    "email" VARCHAR(255) NOT NULL,
    "password_hash" VARCHAR(255) NOT NULL,
    "remember_token" VARCHAR(255) NOT NULL,
    "level" INT NOT NULL,
    "status" INT NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "updated_at" TIMESTAMP NOT NULL
);
""",
    "mysql": """
CREATE TABLE IF NOT EXISTS `users` (
    `id` INT NOT NULL PRIMARY KEY AUTO_INCREMENT,
    `slug` VARCHAR(50) NOT NULL UNIQUE,
    `name` VARCHAR(100) NOT NULL,
    `email` VARCHAR(255) NOT NULL,
    `password_hash` VARCHAR(255) NOT NULL,
    `remember_token` VARCHAR(255) NOT NULL,
    `level` INT NOT NULL,
    `status` BOOL NOT NULL,
    `created_at` DATETIME(6) NOT NULL,
    `updated_at` DATETIME(6) NOT NULL
) CHARACTER SET utf8mb4;
""",
    "postgres": """
CREATE TABLE IF NOT EXISTS "users" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "slug" VARCHAR(50) NOT NULL UNIQUE,
    "name" VARCHAR(100) NOT NULL,
    "email" VARCHAR(255) NOT NULL,
    "password_hash" VARCHAR(255) NOT NULL,
    "remember_token" VARCHAR(255) NOT NULL,
    "level" INT NOT NULL,
    "status" BOOL NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL
);
""",
}

DOWNGRADE = {
    "sqlite": """
DROP TABLE IF EXISTS "users";
""",
    "mysql": """
DROP TABLE IF EXISTS `users`;
""",
    "postgres": """
DROP TABLE IF EXISTS "users";
""",
}


async def upgrade(db: BaseDBAsyncClient) -> str:
    return UPGRADE[db.schema_generator.DIALECT]


async def downgrade(db: BaseDBAsyncClient) -> str:
    return DOWNGRADE[db.schema_generator.DIALECT]


MODELS_STATE = (
    "eJztl29v2jAQxr8KyqtO2iqaQVvtHbRMRRowtekmdZosJzmSCMdOY2cUVXz32g75Dwymtq"
    "JTX5E891x8/l1ILo9GyFwg/PiWQ2x8aT0aFIcgDyr6x5aBo6hQlSCwTbQxkQ6tYJuLGDtC"
    "ilNMOEjJBe7EQSQCRqVKE0KUyBxpDKhXSAkN7hNAgnkgfF3Ir99SDqgLD8Cz02iGpgEQt1"
    "Jn4Kq1tY7EItLakIqv2qhWs5HDSBLSwhwthM9o7g6oUKoHFGIsQF1exIkqX1W32ma2o7TS"
    "wpKWWMpxYYoTIkrbtVGhGQiNJxa6GVgIGXsAchhVcGWpXO/eUyV8Mk86Z53zz6edc2nRZe"
    "bK2TJdugCTJmo8Y8tY6jgWOHVoxgVUThKvifXCx/F6rpm/RlaWXCebcTxctCF+QASoJ3x5"
    "2m1v4fijd31x1bs+6rY/qAWZvPnTv8R4FTF1SKEu0OrfPdBm/udBmwkF2+Kv+upwT9q70J"
    "WujXh1rMoXQhyQfQDnCf8hYbPb3YGwdG0krGNVwhHmfM5iF/mY+/uQbiS+E9+NeAwhhDbE"
    "8gU5A7oP8mbm6zE3jLdLnMAfWPMU2ThY5P6/zxbPhbd90LNFaZYQWCS8ybLPGAFMNwwUeV"
    "INqC2zXopoNma8ANQtxPqTyTd15ZDze6KFoVW7U29H/YF8EeobWJoCAetROzEoJAiLJu5L"
    "GRFBCOt5VzNrzN1V6nF28Baf0nKD7oSSxarPWxpiDUeDG6s3+l7pymXPGqiIqdVFTT06rT"
    "1d8ou0fg6tq5Y6bd1NxgONl3HhxXrFwmfdGaomnAiGKJsj7JYm30zNqFW6nkTuP3a9mvne"
    "9UPpesao1HZdvfoIns5KX2xKsLEzm2M5VTUizGSbvM1QaIZ1BVPs6Z4puMvlE+omIt0="
)
