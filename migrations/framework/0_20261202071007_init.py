"""framework/0_20261202071007_init.py: the app's initial tables.

Written by `python3 nori.py migrate:make`. Each engine runs its own script below; review them
with `python3 nori.py migrate:sql`, and edit all three together.
"""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True

UPGRADE = {
    "sqlite": """
CREATE TABLE IF NOT EXISTS "audit_logs" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "user_id" INT,
    "action" VARCHAR(50) NOT NULL,
    "model_name" VARCHAR(100),
    "record_id" VARCHAR(64),
    "changes" JSON,
    "ip_address" VARCHAR(45),
    "request_id" VARCHAR(128),
    "created_at" TIMESTAMP NOT NULL
) /* One audited action; `user_id` is a plain integer so the log outlives deleted users. */;
CREATE INDEX IF NOT EXISTS "idx_audit_logs_user_id_f7db5c" ON "audit_logs" ("user_id");
CREATE INDEX IF NOT EXISTS "idx_audit_logs_created_bdaee3" ON "audit_logs" ("created_at");
CREATE INDEX IF NOT EXISTS "idx_audit_logs_model_n_79b6f8" ON "audit_logs" ("model_name", "record_id");
CREATE TABLE IF NOT EXISTS "permissions" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "name" VARCHAR(100) NOT NULL UNIQUE,
    "description" VARCHAR(255) NOT NULL
);
CREATE TABLE IF NOT EXISTS "roles" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "name" VARCHAR(100) NOT NULL UNIQUE
);
CREATE TABLE IF NOT EXISTS "user_roles" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "user_id" INT NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "role_id" INT NOT NULL REFERENCES "roles" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_user_roles_user_id_63f1a8" UNIQUE ("user_id", "role_id")
);
CREATE INDEX IF NOT EXISTS "idx_user_roles_user_id_31077e" ON "user_roles" ("user_id");
CREATE TABLE IF NOT EXISTS "role_permission" (
    "permission_id" INT NOT NULL REFERENCES "permissions" ("id") ON DELETE CASCADE,
    "roles_id" INT NOT NULL REFERENCES "roles" ("id") ON DELETE CASCADE
);
""",
    "mysql": """
CREATE TABLE IF NOT EXISTS `audit_logs` (
    `id` BIGINT NOT NULL PRIMARY KEY AUTO_INCREMENT,
    `user_id` INT,
    `action` VARCHAR(50) NOT NULL,
    `model_name` VARCHAR(100),
    `record_id` VARCHAR(64),
    `changes` JSON,
    `ip_address` VARCHAR(45),
    `request_id` VARCHAR(128),
    `created_at` DATETIME(6) NOT NULL,
    KEY `idx_audit_logs_user_id_f7db5c` (`user_id`),
    KEY `idx_audit_logs_created_bdaee3` (`created_at`),
    KEY `idx_audit_logs_model_n_79b6f8` (`model_name`, `record_id`)
) CHARACTER SET utf8mb4 COMMENT='One audited action; `user_id` is a plain integer so the log outlives deleted users.';
CREATE TABLE IF NOT EXISTS `permissions` (
    `id` INT NOT NULL PRIMARY KEY AUTO_INCREMENT,
    `name` VARCHAR(100) NOT NULL UNIQUE,
    `description` VARCHAR(255) NOT NULL
) CHARACTER SET utf8mb4;
CREATE TABLE IF NOT EXISTS `roles` (
    `id` INT NOT NULL PRIMARY KEY AUTO_INCREMENT,
    `name` VARCHAR(100) NOT NULL UNIQUE
) CHARACTER SET utf8mb4;
CREATE TABLE IF NOT EXISTS `user_roles` (
    `id` INT NOT NULL PRIMARY KEY AUTO_INCREMENT,
    `user_id` INT NOT NULL,
    `created_at` DATETIME(6) NOT NULL,
    `role_id` INT NOT NULL,
    UNIQUE KEY `uid_user_roles_user_id_63f1a8` (`user_id`, `role_id`),
    CONSTRAINT `fk_user_rol_roles_65d4d60a` FOREIGN KEY (`role_id`) REFERENCES `roles` (`id`) ON DELETE CASCADE,
    KEY `idx_user_roles_user_id_31077e` (`user_id`)
) CHARACTER SET utf8mb4;
CREATE TABLE IF NOT EXISTS `role_permission` (
    `permission_id` INT NOT NULL REFERENCES `permissions` (`id`) ON DELETE CASCADE,
    `roles_id` INT NOT NULL REFERENCES `roles` (`id`) ON DELETE CASCADE
) CHARACTER SET utf8mb4;
""",
    "postgres": """
CREATE TABLE IF NOT EXISTS "audit_logs" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "user_id" INT,
    "action" VARCHAR(50) NOT NULL,
    "model_name" VARCHAR(100),
    "record_id" VARCHAR(64),
    "changes" JSONB,
    "ip_address" VARCHAR(45),
    "request_id" VARCHAR(128),
    "created_at" TIMESTAMPTZ NOT NULL
);
CREATE INDEX IF NOT EXISTS "idx_audit_logs_user_id_f7db5c" ON "audit_logs" ("user_id");
CREATE INDEX IF NOT EXISTS "idx_audit_logs_created_bdaee3" ON "audit_logs" ("created_at");
CREATE INDEX IF NOT EXISTS "idx_audit_logs_model_n_79b6f8" ON "audit_logs" ("model_name", "record_id");
COMMENT ON TABLE "audit_logs" IS 'One audited action; `user_id` is a plain integer so the log outlives deleted users.';
CREATE TABLE IF NOT EXISTS "permissions" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "name" VARCHAR(100) NOT NULL UNIQUE,
    "description" VARCHAR(255) NOT NULL
);
CREATE TABLE IF NOT EXISTS "roles" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "name" VARCHAR(100) NOT NULL UNIQUE
);
CREATE TABLE IF NOT EXISTS "user_roles" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "user_id" INT NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "role_id" INT NOT NULL REFERENCES "roles" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_user_roles_user_id_63f1a8" UNIQUE ("user_id", "role_id")
);
CREATE INDEX IF NOT EXISTS "idx_user_roles_user_id_31077e" ON "user_roles" ("user_id");
CREATE TABLE IF NOT EXISTS "role_permission" (
    "permission_id" INT NOT NULL REFERENCES "permissions" ("id") ON DELETE CASCADE,
    "roles_id" INT NOT NULL REFERENCES "roles" ("id") ON DELETE CASCADE
);
""",
}

DOWNGRADE = {
    "sqlite": """
DROP TABLE IF EXISTS "role_permission";
DROP TABLE IF EXISTS "user_roles";
DROP TABLE IF EXISTS "roles";
DROP TABLE IF EXISTS "permissions";
DROP TABLE IF EXISTS "audit_logs";
""",
    "mysql": """
DROP TABLE IF EXISTS `role_permission`;
DROP TABLE IF EXISTS `user_roles`;
DROP TABLE IF EXISTS `roles`;
DROP TABLE IF EXISTS `permissions`;
DROP TABLE IF EXISTS `audit_logs`;
""",
    "postgres": """
DROP TABLE IF EXISTS "role_permission";
DROP TABLE IF EXISTS "user_roles";
DROP TABLE IF EXISTS "roles";
DROP TABLE IF EXISTS "permissions";
DROP TABLE IF EXISTS "audit_logs";
""",
}


async def upgrade(db: BaseDBAsyncClient) -> str:
    return UPGRADE[db.schema_generator.DIALECT]


async def downgrade(db: BaseDBAsyncClient) -> str:
    return DOWNGRADE[db.schema_generator.DIALECT]


MODELS_STATE = (
    "eJztWllz2zYQ/iscPjkzqUemdbV9kq9GTSxlbDXtxJNhYBKiMKIABQDjaFL99wLgfemwJU"
    "pW9eKx9iCAb4H9dkH+1IcUTOAToePTjmcj/oE4+m/aTx0LqfinSP1W08F0mlJKGQePrnIB"
    "0tB0icOU6SPjFFhcaIbAZVCIbMgsiqYcESzt+xhqygfamjAU0t+1rx6D1ET2Vw0xDWhTFy"
    "CsIcyhA6nGiMZHUBMjaMTjLvoOmWZDF8oHSD92Kge2iSVGRtjZ4hgeRt88aHLiQGFNxUgP"
    "X4QYYRv+gEz+fNAnRPiZCk+hotAi1Baj6l+k5XRsDhF07RTmQilUSm7y2VTJLpDTxfxG2c"
    "rFPZoWcb0Jju2nMz4iOHIQC5FSB2JIgZi1kHHqSfix57pBrMKI+OuITfwFJHxsOASeK4Mo"
    "vf0JxDLdNHv9gXl/PTBNPRfg0CMRj0BkESw3h5gqUwA4cgq//GoY5+cto3bebDfqrVajXW"
    "sLWzXfvKo19ycTo+U/SmHW/aPbG8gJEbED/c0pBXPlAzjwvVScYvSDXZEPQSn+CY/lQQgh"
    "T0QhwDgKQmiy0ygYZ/VWvX3erEfgR5JFmIf4xnj6xy0P5+UI0GI8Y48MnGKaK8CZ29R5PO"
    "NMVAWgE/DDdCF2+Ej8bNQWoPepc3f5rnN30qi9SW/bXqAxlCoNcDrBrApy2utZQC/ftzvE"
    "+ay2CtDCqhRppUtDHWfvNZBOOR0e0M36Cjg366UwS1UaZWsEsANZHuM/7/u9YowTLhmEbW"
    "Rx7V/NRWwzqbhSpBcgK7GQT54w9s1NInpy2/knC/blh/6FwoYw7lD1FPWAiwzyaGoC2xYG"
    "BeCXb/C01+Ht8HpjhR1eb5TucKnK5hGxTMbXTiRJr8PD+cxor5KyjXZ5ypa6TDKhUMJhAp"
    "6H+kpoOJrAkpyS8symlcD1NPxnM4VJpYWeWJ/dx+4sGHcB9oPu7fX9oHP7MZVxrjqDa6kx"
    "lHSWkZ40M2GKHqL93R280+RP7XO/d51NTJHd4LMu5wQ8TkxMnmSSiSEKpSGMc9lODceJkl"
    "4KHoE1fgKCfXMaYpAy27xqYkyyEoCBo0ImwZXTjDvlj5BOEGN+OIpa6YTB2yXN9DQyXa2b"
    "Lo/+8l51rYb0/9KNvrAPKu8z1y3YX1Sq7xm026/UkzNbA+SMW3X9p65XgrXRWKWWEValWC"
    "vdvMJsm6iaiFvUFdwCPBsQ+VfFtCuWD7BVdFbiDHwnHvXqjs083K2hNB4/0c0XrpNCV9Uy"
    "oUWGVoaEqliM4SwCOigzozgFutgzMOAjSjxnFPqZ0xS5CTP/2lSdu879ZedKEb6ZpYL5Ml"
    "ZVSynm03CVC5k02j1HDj1y6JFDSzh0jbyeuTJ3ER4XZOeLwPfm/Z3MQcXEGh/lv8Sjnpuc"
    "9+OyJpee5xsjwGzWfjENphuRV7X/n0GG6dVmKTGuLtJkmCO8LCMm2XIDZBh3s4vYMDonxY"
    "yYPEYLWVEd3S1R40PyzZgcw3/neWTLHbFl9W829+3Ga8OvNl/X3WK1N7uHdbmYuryXiX2t"
    "Y5Tw2NYxqja4GzhHuUIzDXAe3RtCIXLwe1hBm7+nlaSkUfAU0WVyXxWWFvOdXYF3IEXWqK"
    "Q4CZTLShMQmx079td0tBfVIN8hZWveySZcDvB7oI3dyKa+uRLnag2EA/MDRHcr7xbEiBzi"
    "gppvwfcpscuLvk/ZN7Sr+EBlpy925/8BYbF/Rw=="
)
