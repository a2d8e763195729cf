"""framework/3_20261202154645_two_factor.py: two factor.

Written by `python3 nori.py migrate:make`. Each engine runs its own script below; review them
with `python3 nori.py migrate:sql`, and edit all three together.
"""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True

UPGRADE = {
    "sqlite": """
CREATE TABLE IF NOT EXISTS "two_factor_recovery_codes" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "user_id" INT NOT NULL,
    "code_hash" VARCHAR(64) NOT NULL,
    "created_at" TIMESTAMP NOT NULL
) /* One unused recovery code of a user, as a SHA-256 digest; using it deletes the row. */;
CREATE INDEX IF NOT EXISTS "idx_two_factor__user_id_9aab3f" ON "two_factor_recovery_codes" ("user_id");
""",
    "mysql": """
CREATE TABLE IF NOT EXISTS `two_factor_recovery_codes` (
    `id` INT NOT NULL PRIMARY KEY AUTO_INCREMENT,
    `user_id` INT NOT NULL,
    `code_hash` VARCHAR(64) NOT NULL,
    `created_at` DATETIME(6) NOT NULL,
    KEY `idx_two_factor__user_id_9aab3f` (`user_id`)
) CHARACTER SET utf8mb4 COMMENT='One unused recovery code of a user, as a SHA-256 digest; using it deletes the row.';
""",
    "postgres": """
CREATE TABLE IF NOT EXISTS "two_factor_recovery_codes" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "user_id" INT NOT NULL,
    "code_hash" VARCHAR(64) NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL
);
CREATE INDEX IF NOT EXISTS "idx_two_factor__user_id_9aab3f" ON "two_factor_recovery_codes" ("user_id");
COMMENT ON TABLE "two_factor_recovery_codes" IS 'One unused recovery code of a user, as a SHA-256 digest; using it deletes the row.';
""",
}

DOWNGRADE = {
    "sqlite": """
DROP TABLE IF EXISTS "two_factor_recovery_codes";
""",
    "mysql": """
DROP TABLE IF EXISTS `two_factor_recovery_codes`;
""",
    "postgres": """
DROP TABLE IF EXISTS "two_factor_recovery_codes";
""",
}


async def upgrade(db: BaseDBAsyncClient) -> str:
    return UPGRADE[db.schema_generator.DIALECT]


async def downgrade(db: BaseDBAsyncClient) -> str:
    return DOWNGRADE[db.schema_generator.DIALECT]


MODELS_STATE = (
    "eJztXOtT2zgQ/1c0+VI6QxkawuPKzc0ESq9cC/Qg95g2HaPYSqKJI7m20pDp5X+/XdmOX3"
    "EekJgkzRcGpF09fnrsb3dlfpSaLu2yvnQ7e9WexdVH2Sq9IT9KAkrhl3HVu6REHSdRiWWK"
    "NmytQlHQsGXL06INT7nUVFDTpLbHoMhinulyR3EpUP5GMKJ1mEVAEEpPyX3PY67BrXvCPU"
    "KJY1MuCBeKtZhLPElUmxHogciesvl35hGL2QwbQD1vDzu2pAk9c9FaYh89wb/1mKFki4G0"
    "Cz19+QrFXFjsgXn455dSV4KeofGEKpeZ0rWg19JXlHQ6RpMz20pgDpVQpcsNNXB02RlvXQ"
    "r1Tsvi5BqGKe1eV0TyzkC1pRgpwESwtMUEcymMGsqU20P4Rc+2g7UKV8SfRyTiTyCmY7Em"
    "7dm4iKjtDyAqKxnG9U3NuLuoGUYps8ChRmw9giJTCtwcMFRPA9DCIbz6pVw+ODgu7x8cnR"
    "xWjo8PT/ZPQFaPN1t1PPQHE6HlN6Uxu/z98rqGA5KwA/3NiQVDrUMV9bX0OkXoB7siuwS5"
    "+Mc0pi9CCHlsFQKMR4sQijzrKpRfV44rJwdHlRH4o5JJmIf4Rnj6xy0L53mbuuPxjDRScM"
    "IwZ4Azs6mzeEY3URGAdumDYTPRUm3483B/Anp/V2/P31dvdw73Xya37XVQU9ZVSYCTF8ys"
    "ICe1HgX09H37jDi/3p8FaJDKRVrXJaGObu85kE4obR7QR5UZcD6q5MKMVUmUzTYVLeZlMf"
    "7j7uZ6PMYxlRTCFjcV+Y/Y3FvMVVwo0hOQRSyw5a7nfbPjiO5cVf9Ng33+8eZMYyM91XJ1"
    "K7qBsxTy3DGoZYHAGPDzN3hSa/N2eOVwhh1eOczd4ViVvkdgmp6a+yKJa20ezq/LJ7Nc2e"
    "WT/Csb61KXicsQDoOqLNRvoUbxLsu5UxKa6WslUN0Lf1kMMSmU6MH8rBthD4J+J2Bfu7y6"
    "uKtVrz4lbpy31doF1pR16SBVunOUWqZRI+Sfy9p7gn+SzzfXF+mLaSRX+1zCMdGekoaQfb"
    "xkIojC0hDGIbpTzU6M0mNBg5qdPgXrm6mRZZknm63qlrvpEipoSy8ZgovDjDzlT8ztcs/z"
    "l2OcKx0T2J3iTDsj0dm86fzVn+6rzuWQ/ize6BP9oHw/c17C/iSqvmLQLp+px0c2B8gpte"
    "L8z1KpEKzLh7NwGZDKxVrXDQu8bWOsSdrjvIIrKgY1iT/1ml7C9Kkwx52V6Aa+habW7tgM"
    "w90alkb9x7z5sfN0ma25TCiRMitN6eq16LDBCOiAZo7WKaiLNAMB1XZlr9UO9QwnYdxAzA"
    "+b6nNXvTuvvtUG30ibguE0q3oLbvR35g7OYao5djUhMs2yqj7sOzCl0jXcQA+gtdgcUeue"
    "6HnMIqE6QXUim4TqEPEuoRhXvntffVU+PCIWBwdVnUIVrDHhKggnezrO7Mr++KD1Yruoi7"
    "qo4m8EVkm3tUuEVNAEeoPaSSZSaHFs/g32BDiRwPPwCGCCTfe5amspD5DV7dQFewC87AHo"
    "s3S/uxhOp/7YcR08EDLZHqm1fWWYgwuCVFiyS3Yq+6TBoS9GzTZMUFh10YLevUAM95tSNr"
    "NeBs36gfsQAw6KAjfkG92jM9BzgI70whOTCpxwA7pjAChgWxdwkqQ/jr2JSYFdAKjDyL3L"
    "uqzbADElO0x49zOmArb0qkh6VXwYf9XcuwXH8fGAGG3qtefhUwmlDYzmLyH4uVbximKh3w"
    "YslhOwuA0MWg3tWS63istMI1cpEzkbpfLpgOxwRtoShk7uPeARyND2vlObw86V7v1pzJj7"
    "UpqHBIJIF2KEKDD9I+0sxyqgTyRdtbh8E87PiBtpLiV7CkbRdSgOCwThKAMBQlbz58fTZH"
    "PIS8w2MzvACjm0rM8IFYrgoR4RrTTtwdcYwPQa0hqA1mSaQ3aErAtwCRhvCQK0/2VIfICC"
    "aZfhXvcDBApwg/H6XPQFTEkvNjaJJDC4JQIySPptuGmActWFBo8rBhqoSLTzAlpbHrWCPC"
    "rctfNY/bjOxoWrDsozmPyDcq7Jx6qkyR+d7bnpVVZzy7Fm4Fhb32DBvgF7cDiQoUeQ1qTm"
    "5iXZ1oSjhiBlSOrWNdm6Js/qmkg7N9obxLYnOyJhzmCbOV0z67LNnBaXOZ3jvKdYlM1FZ0"
    "xO7izQfffhFjNP49Op0VH+C5p6bEpuNZ7oZZJyw4WlPdO5uicnP5PPT9Zq/z8iBZqcbToR"
    "GuWUkynQTJoznQeN50gXkAKN7O4ka3jHJj0rCmun2cQwjDNbVO4DGzALs4KZEJcfN3vhEW"
    "7lBp6kgxEhIUnQaTYCt+D2Mdo2LbpF4sEtbJkJKxHIChFKhbLqIohlYcQvGoOf0gzjW6TI"
    "8NaER7mPfyS6Wkd+OcGAVUocbvb3Pwh0Fsz8p/yh/JPe8T/uDdavzZ7Q3x6RRo/bigtvD7"
    "v9rbRca1bY8/5tmOZnCNPY1FOGx9iYh4+TFzmhuA3SrMqi5wVpkh/uzMUNnEdzg5X+gGTx"
    "H+po0w50XIy5MfPxTWptHs5r+Ip4mmc1ikCMd63iAYqJvpVe+iUFHb/EmSb24f8PgW0ccv"
    "vEcJ0B3iaYfm7uokNmcx2jmMayjlGxi7uAc5QxpUmAs+i+82NgH1gBn82saIwezSjtj8xl"
    "fF+NDdoOn42eVJnLzXYOOQkqp1ETGoltc6HrdLQncRD8hmXObxxjKhv4Wmxhvknifxg5c/"
    "nXgfgGoruUb3WhRzXWw57w/14ileLjxM8Th1xYRPhZne7h/2fC7So="
)
