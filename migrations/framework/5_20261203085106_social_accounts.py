"""framework/5_20261203085106_social_accounts.py: social accounts.

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
) /* An account at a provider (`provider`, `subject`) linked to a user; the pair is unique. */;
CREATE INDEX IF NOT EXISTS "idx_social_acco_user_id_2e81f8" ON "social_accounts" ("user_id");
""",
    "mysql": """
CREATE TABLE IF NOT EXISTS `social_accounts` (
    `id` INT NOT NULL PRIMARY KEY AUTO_INCREMENT,
    `user_id` INT NOT NULL,
    `provider` VARCHAR(50) NOT NULL,
    `subject` VARCHAR(255) NOT NULL,
    `email` VARCHAR(255),
    `created_at` DATETIME(6) NOT NULL,
    UNIQUE KEY `uid_social_acco_provide_68e257` (`provider`, `subject`),
    KEY `idx_social_acco_user_id_2e81f8` (`user_id`)
) CHARACTER SET utf8mb4 COMMENT='An account at a provider (`provider`, `subject`) linked to a user; the pair is unique.';
""",
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
COMMENT ON TABLE "social_accounts" IS 'An account at a provider (`provider`, `subject`) linked to a user; the pair is unique.';
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
    "eJztXW1z2zYS/isYfYk9o3oS+SW5+OZmFMdp3Ly4Z+uunUYdCSIhERUFsCQURdPzf79dgB"
    "RfRL3QlWRK4ZfWIXYB8AEI7D7Yhf6q9X06YhPpD0+aHm/JIRO11+SvmoCn8EdecZ3UqOel"
    "CvGZoj1Xq1CPdxRKBlq0FyifWgpK+tQNGDyyWWD53FNcYlu1d3IsbNKbkm7AXGYp6XfJkX"
    "IY8cY9l1vEoW6fyD7BR7re4zqxHGYNmU3ogHIRKFS1fKY6Dg2c7gm2a0sLGuZisJ0m2qIt"
    "msSS3nSmh+9PXKYCImRP2lPCxWtdYhQJV9B4n3AoZ1+ZTwLoBrNPSHccML/D7S4WUeK50F"
    "5bcKHYAKSOhCR9EOQDQYZsekwCmWgOwQ/IxKFKV6lb44o9CwhWSkbSZi5Uewm9h76yoEuo"
    "z9oC5ZpXH0HMY/6IBwEMBcEhD2IIyIhOsRaN5ljwP8cMhnXAQMAHTL/8Do+5sNk3FkT/9I"
    "adPmeunZpB3MYK9POOmnr62Y1Q77QgDlSvY0l3PBKxsDdVjhQzaYACnw6YYD68KFav/DHO"
    "JDF23XDaRZPL9DQWMV1M6NisT8cuzkfUNh2In9U6nc+3rc79davTqc3N1UgjMbfCR5YUOM"
    "+hq4F++wF24YfGi7OXZ69OL85egYju5uzJywfTdAyMUdTwfG7VHnQ5VdRIaIxjUMMpUwDZ"
    "hMZqeCMwl+EbPdhngGNA9f/n0LxyqJ8PZySfwRK6uBks47VyF2CO6LeOy8RAOfDPF8+fL4"
    "Huv827q/fNuyOQOsYmJSzuZt3/HBY1TFka32jdLYJxUmczOD/tmpBG+WIdkC8WY3wxD/Fs"
    "fyqGckrtACf0xdkaUF+cLYQaizJQ6810HuWf7m8/L0B5ppEB2OaWIv8jLg82tArPA137Z3"
    "8sLMSQ9MbcVWDOnGB7/6ptCf4lcCNCWPMoCP50kzAffWr+mh2Bq4+3bzRkMlADX9eiK3iT"
    "GQ72zeNQ3KFqfkjeApiKj1j+sKQ1s0MTqp5Ef6wxQOGCUpYPYclItG4+Xd+3mp9+Tg3H22"
    "brGksa+uk08/Qoux7NKiG/3LTeE/wn+e3283V21GZyrd9q2Cc6VrIj5KRD7SQm0ePoUWqU"
    "XRqoDpgx9iPGOatbjXSZR9pnX8EDecw4pzWrUS7zKIPZgbg/YpTTmhsY5dLZL/CC9q1wp+"
    "EM3JNhDz+WuVFHbqA/TDiy+KBHreGE+nZnrkQ25CLZ+aJRY5R9QgUd6DFDcLGbCRJrbHP1"
    "UQ5qCziuqLi+iuNCwY4rB2tyXLeCEa2DhJI2xS5zeR8S0T4hywMtEDlWLv/KAmKDP4QVoF"
    "4wT3JtqY3V1M+XmuaZOpFP7DNLwlhxu/Z7IVboDR98L8TQPxqN09OXjeenF6/Oz16+PH/1"
    "fEZgzBctYzLe3PyIZEbqay4jfbR6H91n9sh8bkW87ljjAB3u83UIpPPF/NH5HH2UXmDWBT"
    "mt9SigS2b/7YCpi1fvAkinlA4P6M0zSJZDxaAYhZRQ+VscUsmQ3jVZxD20VkEgB/zFEzyt"
    "dXgz/Ox8jRl+dr5whmNRdh2B1wxU4YUkqXV4OL9ovFpnyW68WrxkY9nDHnvSOzX0Kkd6O4"
    "70O8pdZv8ke7V8Tzour69wpftasvOH7K3pS//ic6WYwHCOnlQOgXk2ZsT2wX/1gzp4t8kw"
    "CHSBejRgBOasoyMkqCnXWs9y3OjNVm/iRO6YDf533x0HDpE+ARmAhMBcUNRXZDQOFBFSEU"
    "WHTGsbcwojSzC0gxiIyIRDd7iqg76NYm2R7QU38Rs6soRgRMgUHHrPldMRE4pQF78GeC2Y"
    "BAEZeyekC6hH7ECi14TbbaHjY8xnjIEndYxCITR6AorHdWQQuNKBIj7zYCW5JN2wNt3vrq"
    "7vtc+UP+3qt1uXUqh4g1LyBma6FNnPY40D9HMb5+tYTSC1cDPXZVUkyi7x1WtSEYBnCttC"
    "+AmDULZBIKCBMSjk2cYa5QiOwGYPKDjCYl4+Pdli3xZsmymlg1hZlln+17+2lsM+M/w/3n"
    "7+MRLPjkUadjRiGVpaRWBPKVWwPwJ2Crb7yFM5y89CEzGpsq3Q2N1uohs+3Qg9tOLsQkqx"
    "IhcqcmFNcuHnWVJCLZ9dSAjUV9ALcYLDevTC4tGvciDKlQPxtI5SmULJt2HFJ3tWAOSM2u"
    "5smNq27PUtuaS7W20TRzLSzTty/ETFtCXxv3pMb+D1qbDyvpV4Bb6Dqvbus3mIZmv0NG4/"
    "ESqQ+54+c/VBSSSR2Vb60tdjMWTTGdAh7zUbp7As1gwFlOPL8cCJ9DpeanMDMROTpb+75v"
    "1V863e8DvZreBh1a56xyyJlPAVvOqCfTUlsmpnVROYdxQTdDp+qAfQ2qxASNxYYEw2idQJ"
    "qiPrTXX8WZ1QDFq7f9/8oXF+QWw+YIG6hCIYY+SdDS6GufblJD8ibrNNGDof/sLESV1XXT"
    "P3lKDrrYkKIs0JAFb/WieHTiQJjzUDAphg1ZrK11Q9IKvraQv2DfByp6DPsu1qpp2avpuU"
    "Twkf6AlpOUY5wLROqFvYckSOzp6THoe2GLUcfVjQFgNoPQjFcL4pBYb5cVitiQqMMOCgKH"
    "BCvtYtZhNcLSrwhXt4SIEnIszWuarS9CM/mzWKOKwDQENGuj4bsVEPxEyacLdKMS2heVWl"
    "mG7YjcYPpHB2XkrpIBihrUdW7VUwRJVWcAiExR3rw6s4y67PSImsMq18I1zoGo1r2O1JqE"
    "gGOpifEsEm4W0OUdwC2hvdPh1xd9rVgQQjivaEcnigLY9umCWXc4vGxlsw1pTR9qBWJlR0"
    "4QahfQUWFphgE6ovs4BqGBUBWCwjhrUMmadCA8XcsjFxwHgmpl2wPdoizAUjR904K6wLNs"
    "/E4fAemLuBaQ8myEPbNw5n/Si2gsgJfNonJOfmkHpbLL0b5HKNSz8qg6cyeA7e4DHfYhFr"
    "J9Y4vLP208Yals5pY6Glg0XVnRrVnRqHardXd2qULGykNHdqlO1L2BO3aa0k/Efep1Fdpb"
    "En41tdpfE9jHLFeS02WyrOa1uclznEWU56JWXqK1mv1LHQerSXOQKTQ86II6HrMVFz8pW6"
    "HGau9ENKxhxgGSlD0RhBzfnEh4DhcddMe54I20GbSI21kvJ9+H5m54H6/BDJK0uOPIrdCv"
    "mmAFm4+39/vExXh/xTxFnh5bL6G6FCEfyoZ4eLc3fZIkU2u8t2+dEe3lPbFsmLaqPDvoCZ"
    "Y/KubkfvKthfc/76LDD0X0BCcjBcJcID0NnNtubK2ryrbSsqrYRUWsVMbJ38mX3bhcmJec"
    "2Kn1iDn6jo4Q3Tw/vFMDxBnFrZbdTKNalck3K6JlK/cK5HEsZzLndEojjZKltgz3aXKltg"
    "d9kCBb73jBXlcjHMOel5E+q++3CH0db5KQTxp/wfqOqxYejl4B7nAtEfNhbqn41P/9sB/+"
    "mUq72a/48I+0+/bTb4P86jSIf9z4X2Z2P/k3kBGwj7j/fdZbvhPVuWSheVrtoTIxpnPVbu"
    "A5syGyPh5yguw5vpO2YWEk/SQ0ZISBI2Os/Abbh+ZNtWsVtzv8LEhJ0isiKEMlRWW4RcVh"
    "RZVuiXm7ZBby255W6DN7WUaMvbFBlQptixw75QF4GeB3NxKEgkX45AkAO7P6SiaQ6fptE/"
    "kBIwlpPsu8Yvq0SKFUlTlkFfRNKkb8ItZBt4j7YNShb5se2bb/XWDua4yFkxF+Ob1jo8nP"
    "cwc36lZyUtTt2mZcmxdipz/auUzEovS0t3qBFf09lqghtkFAjFnBjPl1+5jV5LN/qzWyfd"
    "YNz7g1mqe0yQfwH3ScnQeTHRAh7lOlDATJ95n2s7zWjXK9KJ7iGN6gNvSE4ECYzLxG19By"
    "kKRB05ugVX7uYtuZJCQAW6dejEj1y9H/eeBW0hxiPmcwt0j+thCg7qsxHlbpQKZFFBzOXq"
    "BP5rYxKzLo8vMk32iQQUOjJxmDBBCfiWOklpRDEbPNtDD2bP47Ki623xuN/6pWGfHBmYNH"
    "RsdKBd0oBAK/IreqX4BphfpVOTvimTY2XueHXlgItFnueXWoQECoQjZ37ppSK3q9SlfQY4"
    "QZ8mpvi6G3hS5wAjKjb/oy7R2lEA44TKAUK8lftu9VZWBOOZQmWDrgVwFeGwGP3Dcp7L43"
    "nMzj7znY7k0ehSf0ObAVsKd/iSNDKwjcpIrIzEQzISq4X/e1n4Uxl1eFhf6DNKaFT3S4ff"
    "0dxWmgZ4Ht135vT9A9vBJZUljQ7CbZROZttlcl7lhos8PJl50kTOzVlgnISFq0wTGotVUZ"
    "j79Gkvs0HwxsiCNwonVCqXfz2PFL+rAgiH4geI7lZuxoYWVe7Z3pKfbo1Vdh+h8jQREBuL"
    "RXlSp/vh/1vsbOk="
)
