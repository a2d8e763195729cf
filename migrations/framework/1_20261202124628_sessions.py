"""framework/1_20261202124628_sessions.py: sessions.

Written by `python3 nori.py migrate:make`. Each engine runs its own script below; review them
with `python3 nori.py migrate:sql`, and edit all three together.
"""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True

UPGRADE = {
    "sqlite": """
CREATE TABLE IF NOT EXISTS "sessions" (
    "id" VARCHAR(64) NOT NULL PRIMARY KEY,
    "user_id" INT,
    "data" JSON NOT NULL,
    "expires_at" TIMESTAMP NOT NULL,
    "last_seen" TIMESTAMP NOT NULL,
    "ip" VARCHAR(45),
    "user_agent" VARCHAR(255)
) /* Keyed on a SHA-256 of the cookie's id, so a copy of the table opens no session. */;
CREATE INDEX IF NOT EXISTS "idx_sessions_user_id_80072d" ON "sessions" ("user_id");
CREATE INDEX IF NOT EXISTS "idx_sessions_expires_6bcc94" ON "sessions" ("expires_at");
""",
    "mysql": "CREATE TABLE IF NOT EXISTS `sessions` (\n    `id` VARCHAR(64) NOT NULL PRIMARY KEY,\n    `user_id` INT,\n    `data` JSON NOT NULL,\n    `expires_at` DATETIME(6) NOT NULL,\n    `last_seen` DATETIME(6) NOT NULL,\n    `ip` VARCHAR(45),\n    `user_agent` VARCHAR(255),\n    KEY `idx_sessions_user_id_80072d` (`user_id`),\n    KEY `idx_sessions_expires_6bcc94` (`expires_at`)\n) CHARACTER SET utf8mb4 COMMENT='Keyed on a SHA-256 of the cookie\\'s id, so a copy of the table opens no session.';\n",
    "postgres": """
CREATE TABLE IF NOT EXISTS "sessions" (
    "id" VARCHAR(64) NOT NULL PRIMARY KEY,
    "user_id" INT,
    "data" JSONB NOT NULL,
    "expires_at" TIMESTAMPTZ NOT NULL,
    "last_seen" TIMESTAMPTZ NOT NULL,
    "ip" VARCHAR(45),
    "user_agent" VARCHAR(255)
);
CREATE INDEX IF NOT EXISTS "idx_sessions_user_id_80072d" ON "sessions" ("user_id");
CREATE INDEX IF NOT EXISTS "idx_sessions_expires_6bcc94" ON "sessions" ("expires_at");
COMMENT ON TABLE "sessions" IS 'Keyed on a SHA-256 of the cookie''s id, so a copy of the table opens no session.';
""",
}

DOWNGRADE = {
    "sqlite": """
DROP TABLE IF EXISTS "sessions";
""",
    "mysql": """
DROP TABLE IF EXISTS `sessions`;
""",
    "postgres": """
DROP TABLE IF EXISTS "sessions";
""",
}


async def upgrade(db: BaseDBAsyncClient) -> str:
    return UPGRADE[db.schema_generator.DIALECT]


async def downgrade(db: BaseDBAsyncClient) -> str:
    return DOWNGRADE[db.schema_generator.DIALECT]


MODELS_STATE = (
    "eJztW2lv4jgY/isWX7YjdaqWAmUPrUSvHabTMirsoWlHGTcxwSLYmdhpi2b572s7CbnDUU"
    "gLy5eqvIeP57Xfy/Cj0nfgCD1RZ3jQcg3MP1Gz8gv4USGCKv7JYu+DCrTtGFPSOHywlAqU"
    "gppFTaZEHxh3oM4Fpw8thgTJQEx3sM0xJVK+QxBQOsgAQlBQfwXfXIYcDRvfAGYAAtuCmA"
    "BMODKRAxgFfICAmAFQl1v4ETFgIAvJAaQeO5ATG1QXM2NirnEOl+DvLtI4NZGQdsRMd18F"
    "GRMDPSMmP95VRlToaQpPwXKQTh1DzFr5KiXtodbHyDJimAumYCm6xse2op1is034pZKVm3"
    "vQdGq5IxLK22M+oGSqIDYiqSYiyIFi1YLGHVfCT1zL8m0VWMTbRyjibSCiY6A+dC1pRKnt"
    "LSCkVTTtptPTuhc9TaukDBxoROzhk3RK5OEQS2UKAFMu4f3P1erx8Un18LjRrNdOTurNw6"
    "aQVetNs04m3mJCtLyhFGbtP9o3PbkgKk6gdzglYaJ0IIeelrJTiL5/KtImyMU/ojHbCAHk"
    "ESv4GE+NEIi8qhWqR7WTWvO4UZuCP6UUYR7gG+LpXbc0nGcD6GTjGWok4BTLnAPO1KFO4x"
    "l6ojIAHcFnzULE5APxsX5YgN5frduzD63bvfrhu/ixvfE5VcWKAxx3MPOCHNdaCujZ5/YV"
    "cT46nAdoIZWLtOLFoQ699wJIx5S2D+hGbQ6cG7VcmCUrjrI+gMRELI3xx27nJhvjiEoCYQ"
    "PrHPwLLMxW44pLRboAWYmFHHnE2HcriujedeufJNhnnzqnChvKuOmoUdQApwnksa1BwxAC"
    "GeDnH/C41vad8Fp9jhNeq+eecMlK+hGxTcYXdiRRre3D+ajanMdlV5v5LlvyEs7EQRIODf"
    "I01OeCw/EI5fiUmGbSrfiqB8E/q0lMSk30xP6MDrHG/rwF2Pfa1xfdXuv6c8zjnLd6F5JT"
    "VdRxgrrXSJhpOgj4u937AORH8KVzc5F0TFO53peKXBN0OdUIfZJOJoQooAYwTmQ51R9GUn"
    "pJeID68AmK6Jvi0CrNk02zRtVRkgIJNJXJJLhymWGl/Bk5I8yYZ46sUjoisD+jmLanovNV"
    "0/nWn12rLlSQ/l+q0RfWQfl15qIJ+4tS9TcG7foz9ejKFgA5oVZe/VmplIJ1tT5PLiOkcr"
    "FWvEmJ3jaSNVErqyq4hmTco/KvsmlbbB8SPeuuhB74Vgy1cddmEpzWgBrOH6nmM/fpIEvl"
    "MoFEIqz0qaNsMUTjKdB+mjm1k88LNX0BPnCoaw4CPc2OBTch5rVN1b1rdc9a5yrga8lQMJ"
    "kVVdVWsuNpsMvCSDo9PbsYuouhuxiaE0MX8OuJlrmFyTDDO5/6updXt9IHZQfW8Cr/KYZa"
    "1jm/jWZNyj1PVhYAk177xWEwXohs1PlfIhjGd5sMiWF2EQ+GqYCXjIjRaLmCYBhWs0XRsI"
    "uKCsyAOysmMrRAaVm5QmNkAEoABN0PrffVegPQvnom1SkdYvQTA9jYl0+nUFDsccBV0wFq"
    "I8IAocCfNP1Iu+Lx78k9KXzj3RPCwtgImwQIW76TIyNiiNUIUakoJgwQkvqUIOAf9nviGR"
    "JAYkTWIAFm4GkgTPkoJpAMhrlcuBwOqIMpRprz7XihXKKgPbt8u/BtXfn1vDvsXoLLegmW"
    "QC/yqBPIv+hFZ7lq/Le+S9QrNHhwscUxYQdy2t/XVaWX/dCDnm0s2Et0xeOa29cV35AueA"
    "BSqg0etbIFGdcYQhktsGIjxxTLsXG5707b9fQRf8Jd7Ol2O58SV/9kq0K7SMdJhsfMxzeu"
    "tX04b2A/eVZlNe1AZJdW0QZFYW2lTL+mpuNdNNOUc3jfJt31IV+pD1l+pfDGsqZVlwqb9a"
    "2NXe6ymtxFtcwWukYRjXVdo3KNu4J7lAqlcYDT6F56PbArVMID6hvt0cswCp+m4TJ6rjKb"
    "tpNXS09ayMH6ICc58ZmzUhMYiu3eQjfpahflII/ICXr+81YnEZUt/KXFymqT2K9Z7IXqa1"
    "98C9Fdy7e2xIw8s8Iu+OZ/qFJ+n3jDv/r/qkX35D9lysf6"
)
