"""framework/4_20261202160233_two_factor.py: two factor.

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
    "eJztXW1z2zYS/isYfYkzo3oS+SVufHMziuM0aRK7Z+uunUYdChIhEScKYEkoiqbn/367AC"
    "m+iHqhK8mUwi9tDOwC4IO3xYPF6q9a36cjNpH+8Ljp8ZYcMlF7Tf6qCUiFf+Rl10mNel4q"
    "E9MU7bpahXrcUigZaNFuoHzaU5DTp27AIMlmQc/nnuIS66q9k2Nhk+6UdALmsp6SfoccKY"
    "cRb9x1eY841O0T2SeYpMt9Xic9h/WGzCZ0QLkIFKr2fKYshwZO5xjrtWUPKuZisJ0q2qIt"
    "mqQnvelMD7+fuEwFRMiutKeEi9c6xygSrqDyPuGQz74ynwTQDGYfk844YL7F7Q5mUeK5UF"
    "9bcKHYAKSOhCR9EOQDQYZs+pwEMlEdgh+QiUOVLlLXxhV7FhAslIykzVwo9hJaD21lQYdQ"
    "n7UFyjWvPoGYx/wRDwLoCoJdHsQQkBGdYikazbHgf44ZdOuAgYAPmH75A5K5sNk3FkR/ek"
    "Orz5lrp0YQt7EAnW6pqafTPgj1TgtiR3WtnnTHIxELe1PlSDGTBigwdcAE8+FDsXjlj3Ek"
    "ibHrhsMuGlympbGIaWJCx2Z9OnZxPKK2aUCcVrOsm9uWdX/dsqza3FiNNBJjK0zqSYHjHJ"
    "oa6K8fYBN+aLw8fXV6cXJ+egEiupmzlFcPpuoYGKOo4blp1R50PlXUSGiMY1DDIVMA2YTG"
    "angjMJfhGyXsM8AxoPr/c2heOdTPhzOSz2AJTdwMlvFauQswR/Sb5TIxUA78+fLFiyXQ/a"
    "d5d/W+eXcEUs+xSgmLu1n3b8KshslL4xutu0UwTupsBuenXRPSKJ+vA/L5YozP5yGe7U/F"
    "UE6pHeCAPj9dA+rz04VQY1YGar2ZzqP88/3tzQKUZxoZgG3eU+R/xOXBhlbheaBr/+iPRQ"
    "8xJN0xdxWYM8dY3z9rW4J/CdyIEJY8CoI/3STMR5+bv2V74OrT7RsNmQzUwNel6ALeZLqD"
    "ffM4ZFtUzXfJWwBT8RHL75a0ZrZrQtXj6B9rdFC4oJRlIizpidaHz9f3rebnX1Ld8bbZus"
    "achk6dZlKPsuvRrBDy64fWe4J/kt9vb66zvTaTa/1ewzbRsZKWkBOL2klMouQoKdXLLg2U"
    "BWaM/Yh+zupWPV3mnvbZVziBPKaf05pVL5e5l8HsQNwf0ctpzQ30cunsF/hA+1a403AE7k"
    "m3h5NlrteRG+gPEwdZTOjS3nBCfduay5ENuUh2PmvUGGVTqKAD3WcILjYzQWKNba4+yUFt"
    "AccVZddXcVwoaLlysCbHdSsY0TpIKGlT7DKX9yER7ROyPFADkWPl8q8sIDach7AA1AvmSa"
    "4t1bGa+vlS0zyTFZ2JfdaT0Ffcrv1RiBV6wwffCzH0Y6NxcvKq8eLk/OLs9NWrs4sXMwJj"
    "PmsZk/Hmw09IZqRmcxnpo9X76D6zR2a6FTl1xxoHeOA+W4dAOlvMH53N0UfpBWZdkNNajw"
    "K6ZPbfDpi6ePUugHRK6fCA3jyD1HOoGBSjkBIqf4tDKhnSuyaLuIfWKgjkgL94gKe1Dm+E"
    "n56tMcJPzxaOcMzKriPwmYEqvJAktQ4P55eNi3WW7MbF4iUb8x72+CS9U0OvOkhv5yD9jn"
    "KX2T/Lbi3/JB3n11ccpfta0vqv7K55lv7V50oxge4cXakcAuNszIjtw/nVD+pwuk26QeAR"
    "qEsDRmDMOtpDgpp8rfUs5xi92eKNn8gds+H83XfHgUOkT0AGICEwFhT1FRmNA0WEVETRId"
    "PaxpxCzxJ07SAGIjLh0Byu6qBvo1hbZFvBjf+G9iwh6BEyhQO958rpiAlFqIuzAT4LBkFA"
    "xt4x6QDqETuQaDXhdlto/xgzjdHxpI5eKIRGKaD4vI4MAlfaUcRnHqwkl6QTlqbb3dHlvf"
    "aZ8qcd/XXrUgoVb1BK3sAMlyL7eaxxgOfcxtk6VhNILdzMdV7libJLfPWaVATgmcK2EH5C"
    "J5RtEAhoYAwKnWxjjXI4R2C1B+Qc0WNePj3ZYt8WbJsppYNYWZZZ/te/tZbDPjP8P93e/B"
    "SJZ/siDTsasQwtrSKwp5Qq2B8BOwXbfeSpnOVnoYmYVNmWa+xuN9EN326EJ7Ti7EJKsSIX"
    "KnJhTXLhl9mjhFo+u5AQqK+gF+IHDuvRC4t7v3oDUa43EE97UCqTK/k2rPhkywqAnFHbnQ"
    "1T25a9vqUj6e5W28SVjHTzrhw/UzFtSfyv7tMP8PlU9PLmSrwC30FRezdtHqLRGqXG9Sdc"
    "BXK/02euviiJJDLbSl/6ui+GbDoDOuS9Zv0U5sWaoYByfDkeOJGe5aU2NxAzPll63jXvr5"
    "pv9YZvZbeCh1W76h3rSaSEr+BTF+yrKZFVO6uawLij+EDH8kM9gNZmBVzixgJ9skmkTlAd"
    "WW+q/c/qhKLT2v375g+Ns3Ni8wEL1CVkQR8j72xwMcy1Lyf5HnGbrcLQ+fAvfDipy6pr5p"
    "4SPHprooJIcwOAxb/Wj0MnkoTXmgEBTLBoTeVrqh6Q1eW0BfsGeLlT0GfZejXTTk3bzZNP"
    "CRP0mLQcoxzgs04oW9hyRI5OX5Auh7oY7Tn6sqAtBlB7EIrheFMKDPPnYbHGKzDCgIOiwA"
    "H5WteYfeDaowI/uIuXFHgjwmz9VlWaduS/Zo08DusA0JCRjs9GbNQFMfNMuFM9MS2heVU9"
    "Md3wMRonSOHXeSmlg2CEtu5ZtVfOENWzgkMgLO5YHz7FWRY+IyWyyrTyjXChMBrXsNuTUJ"
    "EMtDM/JYJNwmgOkd8C2hudPh1xd9rRjgQjivaEcnigLY9O+EouJ4rGxmsw1pTR9qBUJlQU"
    "cIPQvgILC0ywCdXBLKAYRkUAFsuIYSlD5qnQQDFRNiYOGM/E1Au2R1uEb8HIUSd+FdYBm2"
    "ficPgOfLuBzx6Mk4e2bxzO+pFvBZETmNrHJCdySL0tlsYGuVwj6Edl8FQGz8EbPGYuFrF2"
    "Yo3Du2s/aaxh6Zw0Flo6mFXF1Khiahyq3V7F1CiZ20hpYmqUbSbsybFprUf4j4ynUYXS2J"
    "P+rUJpfA+9XHFei82WivPaFudlLnGWk15JmfpK1it1LbQe7WWuwOSQM+JIaHpM1Bx/pS6H"
    "kSv9kJIxF1hGylA0RlBzPvElYHjdNdOeJ8J2UCdSY62kfB/mz+w+UN8fInnVkyOPYrNCvi"
    "lAFu7+X58u08Uh/xRxVhhcVs8RKhTBST27XJyLZYsU2SyW7fKrPYxT2xbJQLXRZV/AzDV5"
    "R9ejdxVsr7l/fRYY+i8gITkYrhLhBegssq0JWZsX2rai0kpIpVXMxNbJn9ncLkxOzGtW/M"
    "Qa/ERFD2+YHt4vhuEJ/NTKbqNWR5PqaFLOo4nUH5x7Ign9OZcfRCI/2eq1wJ7tLtVrgd29"
    "Figw3zNWlMvFMOem502o++7jHXpb5z8hiKfyv6Gox7qhl4N7nHNEf9iYq3/WP/1vO/ynn1"
    "zt1fh/hNt/+muzzv/xO4q02/+ca3/W9z/5LmADbv/xvrtsN7xny57SRbmr9sSIxlmPlfvI"
    "psxGT/g5isvwZjrGzELiSXrICAlJwkrnGbgNl49s2yp2a+5XmJiwU0RWhFCGymqLkMuKPM"
    "sK/XLTNuitJVHuNhippURb3qbIgDL5jh12QF0Eeh7Mxa4gkXw5HEEOLH5IRdMcPk2jfyAl"
    "YCznse8av6wSKVYkTVk6fRFJk46EW8g28B5tG5TM82PbkW/11g7muMhZMRfjm9Y6PJz38O"
    "X8qpPVjIHIP1olCYqlZyvd9VsiHb8kLU2sw/woR8VDVq9M9hng6oLp+7ZdNGVWaBolNKoo"
    "b+E8mttK0wDPo/vOcGAf2Q5CxZSUo8dtlE5m22VyXOWStg9PZp40mc97zgLjJMxcZZrQWK"
    "y6C92nqb3MBsG4LQXjeiVUDtBbbCuBpnFeFUA4FD9AdLcSnw5qVLkn7CU/oBSr7J4nfhoe"
    "cmOM8JMeuh/+D0qbXOs="
)
