"""models/1_20261202151531_email_verified_at.py: email verified at.

Written by `python3 nori.py migrate:make`. Each engine runs its own script below; review them
with `python3 nori.py migrate:sql`, and edit all three together.
"""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True

UPGRADE = {
    "sqlite": """
ALTER TABLE "users" ADD "email_verified_at" TIMESTAMP;
""",
    "mysql": """
ALTER TABLE `users` ADD `email_verified_at` DATETIME(6);
""",
    "postgres": """
ALTER TABLE "users" ADD "email_verified_at" TIMESTAMPTZ;
""",
}

DOWNGRADE = {
    "sqlite": """
REBUILD TABLE "users" DROP COLUMN "email_verified_at";
""",
    "mysql": """
ALTER TABLE `users` DROP COLUMN `email_verified_at`;
""",
    "postgres": """
ALTER TABLE "users" DROP COLUMN "email_verified_at";
""",
}


async def upgrade(db: BaseDBAsyncClient) -> str:
    return UPGRADE[db.schema_generator.DIALECT]


async def downgrade(db: BaseDBAsyncClient) -> str:
    return DOWNGRADE[db.schema_generator.DIALECT]


MODELS_STATE = (
    "eJztmF1v2jAUhv8KylUnbRVl0Fa7g5apSAOmNt2kTpPlJIckwrHT2GmLKv57beeLJMCggo"
    "pWu4K8fo99/BzHNjwbAXOA8ONbDpHxrfFsUByA/FLSPzcMHIaFqgSBLaKNsXRoBVtcRNgW"
    "UpxgwkFKDnA78kPhMypVGhOiRGZLo0/dQoqpfx8DEswF4elE/vyVsk8deAKePYZTNPGBOK"
    "U8fUeNrXUkZqHWBlR810Y1moVsRuKAFuZwJjxGc7dPhVJdoBBhAap7EcUqfZVdOs1sRkmm"
    "hSVJcSHGgQmOiViYroUKzUBoNDbRTd9EyNgCkM2ogitT5Xr2rkrhS+ukfdY+/3raPpcWnW"
    "aunM2ToQswSaDGMzKNuW7HAicOzbiAykns1rFeeDhazjXzV8jKlKtkM46HizbAT4gAdYUn"
    "HzvNNRx/da8vrrrXR53mJzUgk4s/eSVGaUtLNynUBVr9uQXazL8btJlQsC1e1TeHe9LchK"
    "50rcSr28p8IcA+2QZwHvDhFm+r09mAr3St5KvbynxDzPkjixzkYe5tw7kW+AFX9F6IRxBA"
    "YEEkj8cp0G2Q1yPfjrlhvF/iBB5gyR6y8lqR+/99s9gV3uZB3ywWbhICi5jXWfYYI4Dpiu"
    "tEHlQBasmofRHN9uk9QF1DrDce/1A9B5zfEy0MzMpKvR32+vIY1AtYmnwBy1Hrgww9QOTL"
    "gRyERZ36pWQm/ADWnITVDioVcNIejrMvG5QjJXsoW/aaapiDYf/G7A5/lkpy2TX7qqWl1V"
    "lFPTqtbC15J43fA/OqoR4bd+NRX9NkXLiRHrHwmXeGygnHgiHKHhF2FplkciaVam5HoLi/"
    "otjlyB1U+eBOZjlBZ0zJLF2B76Ts6cuytupx6Lyy6uXI/1U/lKovedl19upvj8l04Te6Ei"
    "xsTx+xvEnXWliLrfLWm4JWUFUwxa6umYI7n78AZv/Cpg=="
)
