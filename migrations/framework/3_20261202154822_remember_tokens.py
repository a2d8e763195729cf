"""framework/3_20261202154822_remember_tokens.py: remember tokens.

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
    "created_at" TIMESTAMP NOT NULL
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
    "eJztXGtz2zYW/SsYfYkzo3oS+bnNTmdkx2m8Seyurd12GncoiIREjCiAJSArmq7+++KCpP"
    "iURKqSTCn8kljAvQB4Lp6HB/yr0ffwiEy4Nzxuu7TDh4Q1fkR/NZhKVX/kZTdRA7tuIhPS"
    "JO452gW71JBgKbRpT0gPm1Ll9LEjiEqyiDA96krKoa7GBz5mFupNUVcQh5iSe110JG2C3H"
    "HPoSaysdNHvI8gSZf7uolMm5hDYiE8wJQJCa6mR6RhY2F3j6Fei5uqYsoG26niiT2xNjK5"
    "O537wfMjh0iBGO9xa4oo+1Hn+I6ISlV5H1GVT56Jh4RqBrGOUXcsiGdQqwtZGLmOqu+JUS"
    "bJQFkdMY76ypAOGBqS6WskeKw6AF+giY2lLlLXRiV5JRAUikbcIo4q9p1qvWorEV2EPfLE"
    "wK59/VmZucQbUSFUKBCEXEQQoBGeQikazTGjf46JCuuAKANPYfr1D5VMmUW+ERH+dIdGnx"
    "LHSvQgakEBOt2QU1en3TL5QRtCoHqGyZ3xiEXG7lTanM2tFRSQOiCMeOpBoXjpjaEnsbHj"
    "BN0u7Fx+SyMTv4kxH4v08diB/gjefgOitIZh3N13jMebjmE0Mn019Ij1rSDJ5Az6uWqq0E"
    "8/gCb80Hp7enF6eXJ+eqlMdDPnKRczv+oIGN9Rw3PXacx0PpbYt9AYR6AGXaYEsjGP1fCG"
    "YC7DN0zYZ4AjQPX/GTSvbezlwxnap7BUTdwMltFcuQswR/ib4RA2kLb6+fbNmyXQ/bf9cP"
    "2x/XCkrF5DlVxN7v68fxdktfy8JL7hvFsG47jPZnB+2TkhifJ5EZDPF2N8noV4vj6VQznh"
    "doAd+vy0ANTnpwuhhqwU1HoxzaL8r8f7uwUozz1SAFvUlOh/yKFiQ7NwFujGP/tjZgKGqD"
    "emjlTbmWOo76fGluBfAjcgBCWPhPjTicN89KX9WzoC15/vrzRkXMiBp0vRBVylwkG+uVRl"
    "G1hmQ/JegSnpiOSHJemZDk3gehz+USBAwYRSlYGwJBKd2y83j532l18S4Xjf7txATkunTl"
    "OpR+n5aF4I+vW28xHBT/T7/d1NOmpzu87vDWgTHktuMD4xsBXHJEwOkxJRdrCQhtrGWGvE"
    "Oe1bR7rKkfbIszqBrBPnpGcd5SpHWW07APc1opz03ECUK7d/UQ9o3TNnGvTAPQl7MFgyUQ"
    "duoD+MHWQhoYfN4QR7lpHJ4S2+yDabNWqN0imY4YGOGYALzYyRWGOLys980FjAcYXZzVUc"
    "FxgaDh8U5LjuGUHaBwglvRV7l8v7oJD2CVgeVQPiY+nQZyKQpc5DUAD4iSzJtaU6VlM/Xx"
    "uaZzLCM7FHTK5iRa3GH6VYoSs6+F6IoX+0WicnF603J+eXZ6cXF2eXb+YERjZrGZNxdfsz"
    "kBmJ0VxF+mj1OrrP7JE/3MqcuiOPAzxwnxUhkM4W80dnGfooOcEUBTnptRbQFdv/7YCpi2"
    "bvEkgnnA4P6M0zSKaN2aAchRRz+VscUsWQ3jVZRF3YrSqDHPAXd/Ck1+H18NOzAj389Gxh"
    "D4es9DyiHlPI0hNJ3OvwcH7buiwyZbcuF0/ZkDfb45P0Tjd69UF6OwfpX+a6gUb+UTpm0F"
    "xxmI40CMVO04ujX8sUqiVTeNm36lV627uNnXq8ZSVATrnt7vzZ2Nb7xiTWrbMiexlltRBr"
    "nTfb4Wwb2zVxJ+9U8AWzaYfDvzqmt+rxMTPzxko0Az+oovZu2MzC3hqmRvXHTvO5z+kRR+"
    "9lQovUstLnno7FkEznQAfbzHmcgrzIMzCQtsfHAzv0M9zE4qbMfNpUj7v243X7vV7wjfRS"
    "MFu1qj6Qvtog2MtkmAmTVSur5xuXkmPeYNNGgSMaaFIYI0YmgSqQMl9lqKpD3T4eUWfaRZ"
    "hZaIRBiihtKhBnRDPPsK/MUWNuvAZfjOl7u6pUwmQo3ES4L4mHqEQTrEWRqhiCmUCCjwiU"
    "MiSuVNWDktNXa05sFWHk14uoeGLBO0V01I3eLnZfN5UhVc8B7wCAPkc9Lm1fPWlT0tcNhl"
    "98ovrAMcpRoDaf2FKN6bsC4tFiBH296am1mXsHcGzy02OxzBYn8tjW7ubltpInrQK7m5PW"
    "ws0NZNXazFqbWQ0+rNZm1trMXWkzqzYS9oSMLCTmWlOXWUsy9yS+tSTze4jyfr1IqiWZh/"
    "Am6YGMyKhHvOWkV9ymuZL18q1L0V4dmyCT8yElyOaq6RFRc/yMHap6LvcCSsa/eutb+RSN"
    "b6g5H4weP7Z/aJ2dh/eC595ZImwHdQI11onb99X48Yvw+ARNqBqoY6laMXIxNCvgmwSwcI"
    "///vwuWRzwTyFnBZeU9RjBTCIY1E0QlOK8O9FAkc3vROdfeJ6LUo8Yf2LxC89Ntf8eEoDG"
    "53K7uh69qkB7sZaqvhI+/SdQQA4Gs0SgZ53fkPavPuddka6ptApSaTUzsXXyZz62S5MTWc"
    "+anyjAT9T08Ibp4f1iGF7gZWrV96j10aQ+mlTzaML1A+eeSALRwfKDSCjmqCVte7a61JK2"
    "3UnaSoz31C7KoWyY86bnKvD98OkBJEH5OrdoKP9HFbWuVqoa3GNGLTXbmB4tLaL626q0pC"
    "54r/r/Gtq05NOmFWqR2C+pTcvoz9ICtbh4bQPatGjdXbYaPpJleu8wd9WaGNI4xVi5T2RK"
    "LMRZluLyebNXAlFrIfHEXWCEGEdBpVkGbsPlA9u2it3KfM2PMCtBZIUIpaisJxZwWaGyrN"
    "QXALdBby25LbX+7Z1qDfntkAFV0o4d9sVsADoL5mIpSGhfDSEIVFsLQWqaphrn9UI0jf7Q"
    "liAk50ZKgS90hY41SVOVoC8iaZI3qkvtDdy19wYVU35s+wa1XtrVdpzlzJiL8U16HR7Oe3"
    "i9a9XJas5A5B+t4gTF0rOVDv2WSMev8Z0m1OF/3KnmIetbJvsMcP2C6fveu2jKrNQwinls"
    "axjtNrgbGEeZpTQJcBbdDz4H9ons4D5zRTl6WEbxZL5cxvtVLmk7e7HtSZt41LQXbE6CzF"
    "VbExyZ1e9C92loL9uDPBMv5PwLi8YilwNUi23sbJL4uKRb6nwdmB8gulv5iIqqUeaesJd8"
    "iC9y2T1P/DI85MYY4Rc9dM/+D5AJEfc="
)
