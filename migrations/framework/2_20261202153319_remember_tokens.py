"""framework/2_20261202153319_remember_tokens.py: remember tokens.

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
    "eJztW+tT2zgQ/1c0+XJ0hjI0JMBdb24mUHrlWqBHco9p6RjFVmxNHMm1ZdJML//7rWQ7fu"
    "cBiUnSfGGIdleP3+qx+5P8vdZz8YAMuds/aPkGFR+4WfsFfa8xKIV/isT7qIYdJyWUZQJ3"
    "bWWCpaJmc9NTql1PuFgXIOlh2yNQZBBPd6kjKGdS/4YRpGyIgUARSl+je98jrkaNe0Q9hJ"
    "FjY8oQZYKYxEUeR8IiCFpA3Bc2fSAeMohNZAXSzjuQDRtch5YpM1fYhs/oV59ogpsEtF1o"
    "6fMXKKbMIN+IJ39+rg042GkKTxC5ROeuAa3WvkhNp6/1KLGNFOYgBJEq18TIUWVn1Lxk4q"
    "3SlYPrajq3/QGL9Z2RsDibGMBAZKlJGHEx9BrKhOtL+Jlv26GvIo8E44hVggEkbAzSw74t"
    "nSitgw7EZTVNu77paO2LjqbVcg6OLBL+CIt0zuTkgK56CgBTduHlz/X60dFJ/fDo+LTZOD"
    "lpnh6egq7qb150Mg46E6MVVKUwu/z98rojO8RhBgaTUxaMlQ0WOLBSforRD2dF3gWl+Ccs"
    "ZjshgjzhhRDjiRMilWf1Qv1V46RxenTcmIA/KZmGeYRvjGew3PJwnlvYLcYztsjACd2cA8"
    "7cpM7jGe9EVQA6wN80mzBTWPCzeTgFvb9bt+fvWrd7zcMX6Wl7HUrqSpQGOL3BzAty2upR"
    "QM+et8+I86vDeYAGrVKklSwNdbx7L4B0ymj7gD5uzIHzcaMUZilKo6xbmJnEy2P8R/vmuh"
    "jjhEkGYYPqAv2HbOotZyuuFOkpyEosZM0Dz/tqJxHdu2r9mwX7/MPNmcKGe8J0VS2qgrMM"
    "8tTRsGGAQgH45RM8bbV9M7zRnGOGN5qlM1yKsvsIDNMTC28kSavtw/lV/XSeLbt+Wr5lS1"
    "lmM3GJhEPDIg/1G5AIOiAle0rKMruthKYH0T/LCUwqDfRgfMYNs0dhu1Ow71xeXbQ7rauP"
    "qR3nTatzISV1VTrKlO4dZ9w0qQT9c9l5h+RP9Onm+iK7MU30Op9qsk/YF1xjfCg3mRiiqD"
    "SCcSzTqV4/EdLLgi7W+0MMp29Owuu8TDcvGtQH2RLMsKlcJsGV3Ywz5Y/EHVDPC9xRlEon"
    "FPZnJNPORHW+bLrc+7Nz1YUS0h8lG31iHlSeZy4asD8pVF8zaFcfqSd7tgDIGbPq8s9arR"
    "Ks6815YhnQKsVaycYV7raJqInbRVnBFWajDpd/lU8vYfiY6UVrJd6Bb6GqjVs242i2RqVx"
    "+4lsvnCcLrFVLBNpZI6VHneVL/pkNAE6DDMnfgplsWWoICyX+6YV2WlO6nADtYA2Veuu1T"
    "5vvVEHvpY9CsazTtVbMiCDLnE7vE/KDta0zqyz1Q214UwE9TnZ6o5FkM55nxJkcZii6N6D"
    "8emCuwcP2Kaw3XP3/rUij1VDoZb8HSkizAyEUftd62W9eYx4T0kn1nn2uoI279gd6yT1ez"
    "DHgypcPkRDCgvJF9CLgYNlt0AR4mPhIcpQ+88Pr9PVSUZdt4jeJwYo3DE1ZTETSEbK+5Jc"
    "x1CVM4r6EfRaXhkgxrvcGIHVwXSCfo/xOwbzllCTIZibL/Yhx+8TCU0wr+9VOy55ANygv1"
    "jR9j/BkJSzZZWcERSu5JDbR0MLpuQDce+YAo8KAhbSEKkVBlZz8v67WKrKWCqatYsc9Umb"
    "rYupjupzHPNH9dJTXorSAdVkbWsW9qxFgM5bbiGtv3wWtPp7qHXjJ5Z8EUW+OdSFuGZxJi"
    "htuX1M0IYwPxFIOepnc/m+anesHeG3GsJPZVklGUmYgE1PRKLEdkfvbdjpsqP3qqP3Fljv"
    "mSjKpqxfQBydhbZv399KeqSY84uX8l9Q1WN5o/W4R84xR+OlcXNZQunJDF36jmSj5v8jeL"
    "r0aLNsXUx8pnm6HBeXJeuSRN4SeLr43J12GrbJtLuvSDrrTIxonPlYufdkRAzEWZ7iCniz"
    "nzxEjVLiiTuSEWIchY3mGbgl1y/ZtlnsFkqSW7JmwowUkRUhlKGy7ljIZUnGL+6DBNib8F"
    "uoSnprysuRx79kWK8lvxoyYPdItSpuQAKdB7P8vVmk/6THZo+7KPy15zP1QBZ1fWoLyrwD"
    "2exvq7pArPoN2o6m+RFoGht7QvMIKbidn+7klOGOpFkXp5eRNOnXpQvFBs6jY4O1fuW4/N"
    "ek6miHcJwV7Jjl+Kattg/nDXzqMiuzmjAQxalVkqCYmlsp16+IdPycjDRlG8GHbjse8pl4"
    "yN014pJThd0F048YuyjKbKFllLBY1TKq1rlLWEe5ozQNcB7dtwEH9p5U8LZzTTl6eYzi4e"
    "S4TM6rQtJ2/GzhSYu4VLdKgpNQOCs0wbHa7i50k5b2tBjkgbgR5z/3o7HYZAtfiy0tN0l9"
    "aO8slF+H6luI7ko+KIEWRWGGPeWj5Nikep74eXjIpTHCz5p0j/8HCKjh9g=="
)
