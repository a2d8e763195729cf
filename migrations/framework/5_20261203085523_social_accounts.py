"""framework/5_20261203085523_social_accounts.py: social accounts.

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
) /* An account at a provider linked to a user, one row per provider and subject. */;
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
) CHARACTER SET utf8mb4 COMMENT='An account at a provider linked to a user, one row per provider and subject.';
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
COMMENT ON TABLE "social_accounts" IS 'An account at a provider linked to a user, one row per provider and subject.';
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
    "eJztXW1z2zYS/isYfYkzo3oSxXZ88c3NKE7SpHlxz9ZdO406EkRCIioKYEkosqbn/367AN"
    "9FvdCVbErhlzYmdgHwAQjsPtiF/moMfTphM+mPj9se78gxE41X5K+GgKfwj6LiJmlQz8sU"
    "4jNFB65WoR7vKZQMtOggUD61FJQMqRsweGSzwPK5p7jEthrv5FTYZDAn/YC5zFLS75Mj5T"
    "DiTQcut4hD3SGRQ4KPdL1Pm8RymDVmNqEjykWgUNXymeo5NHD6x9iuLS1omIvRbproiq5o"
    "E0t681gP35+4TAVEyIG054SLV7rEKBKuoPEh4VDOvjGfBNANZh+T/jRgfo/bfSyixHOhva"
    "7gQrERSB0JSYYgyEeCjNn8KQlkqjkEPyAzhypdpW6NK/YkIFgpmUibuVDtBfQe+sqCPqE+"
    "6wqUa19+AjGP+RMeBDAUBIc8SCAgEzrHWjSaU8H/nDIY1hEDAR8w/fo7PObCZrcsiP70xr"
    "0hZ66dmUHcxgr0856ae/rZB6HeaUEcqEHPku50IhJhb64cKWJpgAKfjphgPrwoVq/8Kc4k"
    "MXXdcNpFk8v0NBExXUzp2GxIpy7OR9Q2HUieNXq9L1ed3s3bTq/XWJirkUZqboWPLClwnk"
    "NXA/32I+zCD63nJy9Pzl+cnZyDiO5m/OTlnWk6AcYoani+dBp3upwqaiQ0xgmo4ZQpgWxK"
    "Yz28EZir8I0e7DPACaD6/wtoXjrUL4Yzks9hCV3cDpbJWvkQYE7obc9lYqQc+PP5s2croP"
    "tv+/ryffv6CKSeYpMSFnez7n8Ji1qmLItvtO6WwTitsx2cH3dNyKJ8tgnIZ8sxPluEON6f"
    "yqGcUTvACX12sgHUZydLocaiHNR6M11E+aebqy9LUI41cgDb3FLkf8TlwZZW4UWgG/8cTo"
    "WFGJLBlLsKzJljbO9fjR3BvwJuRAhrngTBn24a5qPP7V/zI3D56eq1hkwGauTrWnQFr3PD"
    "wW49DsU9qhaH5A2AqfiEFQ9LVjM/NKHqcfSPDQYoXFCq8iGsGInOh89vbzrtzz9nhuNNu/"
    "MWS1r66Tz39Ci/HsWVkF8+dN4T/JP8dvXlbX7UYrnObw3sE50q2RNy1qN2GpPocfQoM8ou"
    "DVQPzBj7HuOc161Husoj7bNv4IHcZ5yzmvUoV3mUwexA3O8xylnNLYxy5ewXeEH7SrjzcA"
    "buybCHH8vCqCM3MBynHFl8MKDWeEZ9u7dQIltymexi0aQ1yT+hgo70mCG42M0UiTW1ufok"
    "R40lHFdU3FzHcaFgz5WjDTmuK8GI1kFCSZtiF4W8D4lon5DlgRaInCqXf2MBscEfwgpQL1"
    "gkuXbUxnrq52tD80y9yCf2mSVhrLjd+L0UK/Saj74XYugfrdaLFy9bz16cnZ+evHx5ev4s"
    "JjAWi1YxGa8//IhkRuZrriJ9tH4f3Wf2yHxuZbzuROMAHe7TTQik0+X80ekCfZRdYDYFOa"
    "t1L6ArZv89AFOXrN4lkM4oHR7Q22eQLIeKUTkKKaXytzikiiH90GQR99BaBYEC8JdP8KzW"
    "4c3wk9MNZvjJ6dIZjkX5dQReM1ClF5K01uHh/Lx1vsmS3TpfvmRj2d0ee9IPaujVjvRuHO"
    "l3lLvM/kkOGsWedFLeXONKD7Vk7w852NCX/sXnSjGB4RwDqRwC82zKiO2D/+oHTfBu02EQ"
    "6AINaMAIzFlHR0hQU661nhS40dut3sSJXDMb/O+hOw0cIn0CMgAJgbmgqK/IZBooIqQiio"
    "6Z1jbmFEaWYGgHMRCRGYfucNUEfRvFuiLfC27iN3RkCcGIkDk49J4r5xMmFKEufg3wWjAJ"
    "AjL1jkkfUI/YgVSvCbe7QsfHmM8YA0+aGIVCaPQEFJ82kUHgSgeK+MyDleSC9MPadL/7ur"
    "5XPlP+vK/fblNKoeYNKskbmOlSZj9PNA7Qz22dbmI1gdTSzVyX1ZEoD4mvXpPKABwr7Arh"
    "RwxC2QWBgAbGqJRnm2hUIzgCmz2g4AiLecX0ZIfdLtk2M0oHsbKssvzf/tpZDXts+H+6+v"
    "JjJJ4fiyzsaMQytLTKwJ5RqmG/B+wUbPeJpwqWn6UmYlplV6GxD7uJbvl0I/TQyrMLGcWa"
    "XKjJhQ3JhZ/jpIRGMbuQEmiuoReSBIfN6IXlo1/nQFQrB+JxHaUqhZLvwopP96wEyDm1h7"
    "NhGruy13fkkj7caps6kpFu0ZHjZyrmHYn/1WP6AV6fCqvoW0lW4Guoau8+m7totkZPk/ZT"
    "oQKF7+kzVx+URBK5bWUofT0WYzaPgQ55r3icwrJEMxRQji+nIyfS63mZzQ3ETEyW/u7aN5"
    "ftN3rD7+W3grt1u+o1syRSwpfwqkv21YzIup1VzWDeUUzQ6fmhHkBrsxIhcVOBMdkkUieo"
    "jqw31fFnTUIxaO3mffuH1ukZsfmIBeoCimCMkXc2uBjm2pez4oi47TZh6Hz4FyZO6rqamr"
    "mnBF1vTVQQaU4AsPpXOjl0Jkl4rBkQwASr1lS+puoBWV1PV7BbwMudgz7Lt6uZdmr6blI+"
    "JXygx6TjGOUA0zqhbmHLCTk6eUYGHNpi1HL0YUFXjKD1IBTD+aYUGOZPw2pNVGCEAQdFgR"
    "PylW4xn+BqUYEvPMBDCjwRYbbOVZWmH8XZrFHEYRMAGjPS99mETQYgZtKE+3WKaQXNqzrF"
    "dMtuNH4gpbPzMkoHwQjtPLJqr4Ih6rSCQyAsrtkQXsVZdX1GRmSdaeUb4VLXaLyF3Z6Eim"
    "Skg/kpEWwW3uYQxS2gvdEf0gl3530dSDChaE8ohwfa8uiHWXIFt2hsvQVjTRltD2plQkUX"
    "bhA6VGBhgQk2o/oyC6iGURGAxTJhWMuYeSo0UMwtGzMHjGdi2gXboyvCXDBy1E+ywvpg88"
    "wcDu+BuRuY9mCCPLR943A2jGIriJzBp31MCm4OaXbFyrtBLja49KM2eGqD5+ANHvMtlrF2"
    "Eo3DO2t/0drA0nnRWmrpYFF9p0Z9p8ah2u31nRoVCxupzJ0aVfsS9sRt2igJ/573adRXae"
    "zJ+NZXaXwPo1xzXsvNlprz2hXnZQ5xVpNeaZnmWtYrcyy0Ge1ljsDkmDPiSOh6QtQcf6Mu"
    "h5kr/ZCSMQdYRspQNEZQcz7JIWB43BVrLxJhD9AmUmOdtPwQvp/4PFCfHyJ5ZcmJR7FbId"
    "8UIAt38+9PF9nqkH+KOCu8XFZ/I1Qogh91fLi4cJctUmTxXbarj/bwntquSF9UGx32Bcwc"
    "k/d1O3pXwf6a89cngaH/AhKSg+EqER6Axjfbmitri662ram0ClJpNTOxc/In/rZLkxOLmj"
    "U/sQE/UdPDW6aH94theIQ4tarbqLVrUrsm1XRNpH7hQo8kjOdc7YhEcbJ1tsCe7S51tsDD"
    "ZQuU+N5zVpTLxbjgpOd1qPvu4zVGWxenECSf8n+gqvuGoVeDe1wIRL/bWqh/Pj79bwf8Z1"
    "Ou9mr+3yPsP/u2+eD/JI8iG/a/ENqfj/1P5wVsIew/2XdX7YY3bFUqXVS6bk+MaJzNWLmP"
    "bM5sjIRfoLgMb6bvmFlKPEkPGSEhSdjoIgO35fqRbVvHbi38ChMTdobIihDKUVldEXJZUW"
    "RZqV9u2gW9teKWuy3e1FKhLW9bZECVYscO+0JdBHoRzOWhIJF8NQJBDuz+kJqmOXyaRv9A"
    "SsBYQbLvBr+sEinWJE1VBn0ZSZO9CbeUbeDd2zaoWOTHrm++1Vs7mOOiYMVcjm9W6/Bw3s"
    "PM+bWelbQ4dduWJafaqSz0rzIya70sLd2jRnxDZ6sNbpBRIBRzYjxffuM2OBHIs4CbpGSc"
    "7Yx+SZS9HIuhYxJMB38wSy16WtusXLtZ4R/xnaORJHg+ciZIYNwjbuv7RlEgav7oCty2D2"
    "/IpRQCKiBYU79JfuTq/XTwJOgKMZ0wn1ug+7QZptugPptQ7kZpPxYVxFykTuC/NiYs6/Lk"
    "0tJ0n0hAoSMzhwkTgIDvrBOSJhQzv/M99GCm3C8DutkV9/tdXxr2yZGBSTnHRkfa/QwItC"
    "K/oQeKb4C5VDoN6VaZfCpzn6srR1ws8zK/NiIkUCAcOfOrLjWRXacp7TPAKao0NcU33azT"
    "OgcYPbH9H3CJ1o4SGKdUDhDindxtq7eyMhjHCrW9uRHAdTTDcvQPy1GujpcRn3MWOxjpY9"
    "CVvoU2A3YU2vA1bWRgG7WRWBuJh2Qk1gv/97LwZ7Ln8GC+1GeU0qjvkg6/o4WtNAvwIrrv"
    "zEn7R/YAF1JWNBIIt1E6i7fL9LwqDA25ezTzpI2cm7PEOAkL15kmNBGrIy736dNeZYPg7Z"
    "Albw9OqdQu/2YeKX5XJRAOxQ8Q3Z3cgg0tqsJzvBU/05qoPHw0yuNEO2wt7uRRne67/wPi"
    "cGY5"
)
