"""framework/5_20261203084508_social_accounts.py: social accounts.

Written by `python3 nori.py migrate:make`. Each engine runs its own script below; review them
with `python3 nori.py migrate:sql`, and edit all three together.
"""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True

UPGRADE = {
    "sqlite": """
CREATE TABLE IF NOT EXISTS "social_accounts" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "user_id" INT NOT NULL,
    "provider" VARCHAR(50) NOT NULL,
    "subject" VARCHAR(255) NOT NULL,
    "email" VARCHAR(255),
    "created_at" TIMESTAMP NOT NULL,
    CONSTRAINT "uid_social_acco_provide_68e257" UNIQUE ("provider", "subject")
) /* A provider's account (`provider`, `subject`) linked to a user; the pair is unique. */;
CREATE INDEX IF NOT EXISTS "idx_social_acco_user_id_2e81f8" ON "social_accounts" ("user_id");
""",
    "mysql": "CREATE TABLE IF NOT EXISTS `social_accounts` (\n    `id` INT NOT NULL PRIMARY KEY AUTO_INCREMENT,\n    `user_id` INT NOT NULL,\n    `provider` VARCHAR(50) NOT NULL,\n    `subject` VARCHAR(255) NOT NULL,\n    `email` VARCHAR(255),\n    `created_at` DATETIME(6) NOT NULL,\n    UNIQUE KEY `uid_social_acco_provide_68e257` (`provider`, `subject`),\n    KEY `idx_social_acco_user_id_2e81f8` (`user_id`)\n) CHARACTER SET utf8mb4 COMMENT='A provider\\'s account (`provider`, `subject`) linked to a user; the pair is unique.';\n",
    "postgres": """
CREATE TABLE IF NOT EXISTS "social_accounts" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "user_id" INT NOT NULL,
    "provider" VARCHAR(50) NOT NULL,
    "subject" VARCHAR(255) NOT NULL,
    "email" VARCHAR(255),
    "created_at" TIMESTAMPTZ NOT NULL,
    CONSTRAINT "uid_social_acco_provide_68e257" UNIQUE ("provider", "subject")
);
CREATE INDEX IF NOT EXISTS "idx_social_acco_user_id_2e81f8" ON "social_accounts" ("user_id");
COMMENT ON TABLE "social_accounts" IS 'A provider''s account (`provider`, `subject`) linked to a user; the pair is unique.';
""",
}

DOWNGRADE = {
    "sqlite": """
DROP TABLE IF EXISTS "social_accounts";
""",
    "mysql": """
DROP TABLE IF EXISTS `social_accounts`;
""",
    "postgres": """
DROP TABLE IF EXISTS "social_accounts";
""",
}


async def upgrade(db: BaseDBAsyncClient) -> str:
    return UPGRADE[db.schema_generator.DIALECT]


async def downgrade(db: BaseDBAsyncClient) -> str:
    return DOWNGRADE[db.schema_generator.DIALECT]


MODELS_STATE = (
    "eJztXftz2zYS/lcw+iX2jOomiu3kkpubUZyXm4d7tu7aadSRIBISUVEAS0BRND3/77cLkC"
    "IpUQ+6kk0p/CUPAAuAH167H3ahv2r9kI7YRIbDk2bAW3LIRO0F+asmIBX+kZddJzUaBJlM"
    "TNO05xsRGvCOxpLKFO0pHVJHQ06f+opBksuUE/JAc4lt1d7KsXBJb0q6ivnM0TLskiPtMR"
    "KMez53iEf9PpF9gkmm3uM6cTzmDJlL6IByoTSKOiHTHY8qr3uC7brSgYa5GOymibZoiyZx"
    "ZDCdyeH3E59pRYTsSXdKuHhhcqwg4Roa7xMO+ewrC4mCbjD3hHTHioUd7nYxi5LAh/bagg"
    "vNBlDqSEjSh4J8IMiQTY+JkqnmEHxFJh7VpkrTGtfskSJYKRlJl/lQ7UvoPfSVqS6hIWsL"
    "LNe8+AjFAhaOuFIwFASHXCUQkBGdYi0GzbHgf44ZDOuAQYEQMP3yOyRz4bJvTMX/DYadPm"
    "e+m5lB3MUKTHpHTwOTdin0W1MQB6rXcaQ/HomkcDDVnhSz0gAFpg6YYCF8KFavwzHOJDH2"
    "/WjaxZPL9jQpYruYknFZn459nI8obTuQpNU6nc9Xrc7Nm1anU1uYq7FEam5FSY4UOM+hq8"
    "p8/QC78EPjyemz0+dPz0+fQxHTzVnKs1vbdAKMFTTwfG7Vbk0+1dSWMBgnoEZTpgCyKYn1"
    "8MZgrsI3TthngBNAzd8LaF54NMyHMy4/hyV0cTtYJnvlfYA5ot86PhMD7cF/nzx+vAK6/z"
    "avL943r4+g1DE2KWFzt/v+5yirYfOy+Mb7bhGM0zLbwflh94QsyuebgHy+HOPzRYhn51Mx"
    "lDNiBzihz083gPr8dCnUmDUHtTlMF1H+6ebq8xKUZxJzALvc0eR/xOdqS7vwItC1f/bHwk"
    "EMSW/MfQ3qzAm296/ajuBfATcihDWPlPrTT8N89Kn56/wIXHy8emUgk0oPQlOLqeDV3HCw"
    "bwGH7A7Vi0PyGsDUfMTyhyUrOT80kehJ/I8NBijaUMqyEFaMROvy05ubVvPTz5nheN1svc"
    "GchkmdzqUeze9Hs0rIL5et9wT/S367+vxmftRm5Vq/1bBPdKxlR8hJh7ppTOLkOCkzyj5V"
    "ugNqjHuHcZ6XrUa6zCMdsq9ggdxlnLOS1SiXeZRB7UDc7zDKWcktjHLp9Bf4QPdK+NNoBu"
    "7JsEeLZWHUkRvoD1OGLCb0qDOc0NDtLOTIhlxWdjFr1BjNp1BBB2bMEFzsZorEGrtcf5SD"
    "2hKOK86ur+O4sGDHl4MNOa4rwYiRQULJqGIvc3kfEtM+EcsDLRA51j7/yhRxwR7CClBOLZ"
    "JcO2pjPfXzpWZ4pk5sE4fMkTBW3K39XogVesUH3wsx9I9G4+nTZ43HT8+fn50+e3b2/PGM"
    "wFjMWsVkvLp8h2RGZjWXkT5af47uM3tkl1sRqzuROECD+2wTAulsOX90tkAfZTeYTUHOSt"
    "0J6JLpf/fA1CW7dwGkM0KHB/T2GSTHo2JQjEJKifwtDqlkSN83WcQD1FahQA74yyd4Vurw"
    "Zvjp2QYz/PRs6QzHrPl9BD5T6cIbSVrq8HB+0ni+yZbdeL58y8a82z22pO9V0asM6d0Y0m"
    "8p95n7k+zV8i3pJL++xpTum5KdP2RvQ1v6l5BrzQS6c/Sk9gjMszEjbgj2a6jqYN2m3SDQ"
    "BOpRxQjMWc94SFCbb6Qe5ZjR263e+olcMxfs774/Vh6RIYEyAAmBuaBpqMlorDQRUhNNh8"
    "xIW3UKPUvQtYNYiMiEQ3e4roO8i8XaYr4X3PpvGM8Sgh4hUzDoA19OR0xoQn1cDfBZMAkU"
    "GQcnpAuox+xAqteEu21h/GPsMkbHkzp6oRAap4DgcR0ZBK6No0jIAthJXpJuVJvpd9fU9y"
    "JkOpx2zddtSilUvEEpeQM7XYqc54nEAdq5jbNNtCYotfQwN3mVJ8p94mv2pCIAzwR2hfAD"
    "OqHsgkBABWNQyLJNJMrhHIHNHpBzhMOCfHqyxb4tOTYzQgexs6zS/N/82loN+0zx/3j1+V"
    "1cfH4ssrCjEstQ0yoCe0aogv0OsFPQ3UeBztl+lqqIaZFducbe7yG65duNyEIrzi5kBCty"
    "oSIXNiQXfp4FJdTy2YVUgfoaeiEJcNiMXlg++lUMRLliIB7WUCqTK/kutPh0zwqAPCd2fz"
    "pMbVf6+o5M0vvbbVNXMtLPu3L8RMW0JfFPM6aX8PlUOHlrJdmBr6GqvVs2t/FsjVOT9lOu"
    "ArnfGTLfXJTEJeaOlb4MzVgM2XQGdMR7zcYpykskowLaC+V44MVynSBzuEEx65Nl1l3z5q"
    "L52hz4nfmj4HbdqXrNHImU8AV86pJzNVNk3cmqJzDvKAbodMJIDqB1WQGXuLFAn2wSixMU"
    "R9abGv+zOqHotHbzvvlD4+ycuHzAlH4JWTDGyDtbXCxzHcpJvkfcdpuwdD78CwMnTV11w9"
    "xTgqa3ISqItDcAWP0LExw6kSS61lQEMMGqDZVvqHpA1tTTFuwb4OVPQZ7Nt2uYdmr7bkM+"
    "JSzQE9LyrLDCsE6oW7hyRI5OH5Meh7YYdTxzWdAWA2hdRcVwvmkNivlxVK31Cowx4CAocE"
    "K+MC3OB7g6VOAH9/CSAm9EmGtiVaXtR340a+xxWAeAhox0QzZiox4Us2HC3SrEtITqVRVi"
    "umUzGhdI4ei8jNBBMEI796zaK2eIKqzgEAiLa9aHT/FWPZ+RKbJOtQpt4ULPaLyB055Egm"
    "RgnPkpEWwSveYQ+y2gvtHt0xH3p13jSDCiqE9ojyujeXSjKLmcVzS23oLVpqx0ALUyoeMH"
    "Nwjta9CwQAWbUPOYBVTDqFCgsYwY1jJkgY4UFPvKxsQD5ZnYdkH3aIsoFowcdZOosC7oPB"
    "OPw3dg7AaGPVgnD6PfeJz1Y98KIiewtE9Izssh9bZY+TbIyw0e/agUnkrhOXiFx67FItpO"
    "InF4d+1PGxtoOk8bSzUdzKre1Kje1DhUvb16U6NkbiOleVOjbCthT8ymjYLw7/ieRvWUxp"
    "6Mb/WUxvcwyhXntVxtqTivXXFe9hJnNemVLlNfy3plroU2o73sFZgcckY8CV1PiJqTr9Tn"
    "MHNlGFEy9gLLlrIUjS1oOJ/kEjC67ppJLxJh99AmUmOtdPk+rJ/ZfaC5P0TyypGjgGK3Ir"
    "5JIQt38++PL7PVIf8Uc1b4uKxZI1Rogot6drm48JYtUmSzt2xXX+3hO7VtkX6oNr7sU8xe"
    "k3dNO+ZUwf7a+9dHytJ/ikTkYLRLRBegs5dt7ZO1eU/bVlRaCam0ipnYOfkzW9uFyYlFyY"
    "qf2ICfqOjhLdPD+8UwPICfWtl11Mo0qUyTcpom0nxwrkUS+XOuNkRiP9kqWmDPTpcqWuD+"
    "ogUKrPc5LcrnYphz0/Mqkn374Rq9rfNDCJKl/B+o6q5u6OXgHhcc0W+35uo/75/+tx3+sy"
    "FXezX/7+D2n/3aeef/JI4i6/a/4No/7/ufjgvYgtt/cu6uOg1v2KpQujh33ZkY0zibsXIf"
    "2JS56Am/QHFZ3sy8MbOUeJIBMkJCkqjRRQZuy/Uj27aO3Vr4FSYm3AyRFSM0R2W1RcRlxZ"
    "5lhX65aRf01opX7rb4UkuJjrxtkQFl8h077Ad1EehFMJe7gsTly+EIcmDvh1Q0zeHTNOYH"
    "UhRjOcG+G/yySixYkTRlGfRlJE32JdxCukFwZ92gZJ4fu3751hztoI6LnB1zOb5ZqcPDeQ"
    "8j59daVtLh1G86jhwbozLXvsqUWWtlmdIdaotvaGw1SRDKr9w1VkgkSo66cWK3Trpq3PuD"
    "Obp7TJB7AdNJy8hwsZ4CAeXGScBOnUV7a/tNGJMrlonfH001IieCKGsqcde8PYoFZk1fgQ"
    "l3+ZpcSCGgAtM6dOId1+/HvUeqLcR4xELugOxxPQq9QXk2otyPQ4AcKoh9VJ3Any4GL5v8"
    "5AHTdJ+IotCRiceEdUbArzTBSSOKUeDzPQxg1twtGrreFnf7jV8a9cmTyoafY6MDY4oqAq"
    "3Ir2iN4hdgXJUJSfqmbWzVkQPG7Y9wWng/SvzzJJhC/Q71fRYq4oKlLI+XmaJfajFEWCAa"
    "UvvTLxXbXcUy7TPAKT41NcU3PdHTMgfoYrH9X3mJ944CGKdEDhDinTyAa864IhjPBCqldC"
    "OAK5eH5egfljVdHlNkdhmab4Wk70pXGiBGDdiR/8OXtJKBbVRKYqUkHpKSWG3838vGnwmx"
    "w9v7QssoJVE9OB2to4WjNAvwIrpv7XX8B3YPr1aW1F0Ij1E6mR2X6XmV6z9y+2DqSRPJOG"
    "+JchJlrlNNaFKscsvcp6W9SgfBJyQLPjGcEqlM/s0sUlxXBRCOih8gujt5Khta1LmXfSt+"
    "yzURuX+XlYdxidiac8qDGt23/weiM3Mr"
)
