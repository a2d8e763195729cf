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
    "email" VARCHAR(255) NOT NULL UNIQUE,
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
    `email` VARCHAR(255) NOT NULL UNIQUE,
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
    "email" VARCHAR(255) NOT NULL UNIQUE,
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
    "eJztl11v2jAUhv8KylUnbRXNoK12By1TkQZMbbpJnSbLSQ5JhGOnsTOKKv57bYd8AytTqW"
    "i1K5L3vCc+fo5xnEcjZC4QfnzLITa+tB4NikOQFxX9Y8vAUVSoShDYJtqYSIdWsM1FjB0h"
    "xSkmHKTkAnfiIBIBo1KlCSFKZI40BtQrpIQG9wkgwTwQvi7k128pB9SFB+DZbTRD0wCIW6"
    "kzcNXYWkdiEWltSMVXbVSj2chhJAlpYY4Wwmc0dwdUKNUDCjEWoB4v4kSVr6pbTTObUVpp"
    "YUlLLOW4MMUJEaXp2qjQDITGEwvdDCyEjB0AOYwquLJUrmfvqRI+mSeds87559POubToMn"
    "PlbJkOXYBJEzWesWUsdRwLnDo04wIqJ4nXxHrh43g918xfIytLrpPNOB4u2hA/IALUE768"
    "7ba3cPzRu7646l0fddsf1IBMLv70LzFeRUwdUqgLtPp3B7SZ/2XQZkLBtvirvjrck/Zz6E"
    "rXRrw6VuULIQ7ILoDzhHe3eM1u9xl8pWsjXx2r8o0w53MWu8jH3N+FcyPxHa7ovRCPIYTQ"
    "hli+HmdAd0HezHw95obxdokT+ANr9pCNx4rc//eTxUvhbR/0yaJ0khBYJLzJss8YAUw3HC"
    "fypBpQW2bti2i2T+8B6hZi/cnkm3pyyPk90cLQqq3U21F/IF+DegFLUyBgPWonBoUEYdHE"
    "fSkjIghhPe9qZo25u0o9zi7e4i4tJ+hOKFms+rylIdZwNLixeqPvla5c9qyBiphaXdTUo9"
    "Pa7pI/pPVzaF211G3rbjIeaLyMCy/WIxY+685QNeFEMETZHGG3dHTI1IxapetJ5P5j16uZ"
    "/7t+KF3PGJXarqtXn8DTWel7TQk2dmZzLE9VjQgz2SZvMxSaYV3BFHu6ZwrucvkELuQiRw"
    "=="
)
