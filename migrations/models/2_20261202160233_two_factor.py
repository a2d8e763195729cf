"""models/2_20261202160233_two_factor.py: two factor.

Written by `python3 nori.py migrate:make`. Each engine runs its own script below; review them
with `python3 nori.py migrate:sql`, and edit all three together.
"""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True

UPGRADE = {
    "sqlite": """
ALTER TABLE "users" ADD "two_factor_secret" VARCHAR(255);
ALTER TABLE "users" ADD "two_factor_confirmed_at" TIMESTAMP;
ALTER TABLE "users" ADD "two_factor_last_step" BIGINT;
""",
    "mysql": """
ALTER TABLE `users` ADD `two_factor_secret` VARCHAR(255);
ALTER TABLE `users` ADD `two_factor_confirmed_at` DATETIME(6);
ALTER TABLE `users` ADD `two_factor_last_step` BIGINT;
""",
    "postgres": """
ALTER TABLE "users" ADD "two_factor_secret" VARCHAR(255);
ALTER TABLE "users" ADD "two_factor_confirmed_at" TIMESTAMPTZ;
ALTER TABLE "users" ADD "two_factor_last_step" BIGINT;
""",
}

DOWNGRADE = {
    "sqlite": """
REBUILD TABLE "users" DROP COLUMN "two_factor_secret";
REBUILD TABLE "users" DROP COLUMN "two_factor_confirmed_at";
REBUILD TABLE "users" DROP COLUMN "two_factor_last_step";
""",
    "mysql": """
ALTER TABLE `users` DROP COLUMN `two_factor_secret`;
ALTER TABLE `users` DROP COLUMN `two_factor_confirmed_at`;
ALTER TABLE `users` DROP COLUMN `two_factor_last_step`;
""",
    "postgres": """
ALTER TABLE "users" DROP COLUMN "two_factor_secret";
ALTER TABLE "users" DROP COLUMN "two_factor_confirmed_at";
ALTER TABLE "users" DROP COLUMN "two_factor_last_step";
""",
}


async def upgrade(db: BaseDBAsyncClient) -> str:
    return UPGRADE[db.schema_generator.DIALECT]


async def downgrade(db: BaseDBAsyncClient) -> str:
    return DOWNGRADE[db.schema_generator.DIALECT]


MODELS_STATE = (
    "eJztmFFv2jAQx78KytMmbRUNUNjeoGUr0gpTm25Sp8ky5AgRjp3aTimq+O6zTUJIQlhBbU"
    "WrPkH+vrMvv7N9Bw9WwFwg4uhaALe+Vh4sigNQXzL6p4qFwzBVtSDxkBjDSFkYBQ+F5Hgk"
    "lTjGRICSXBAj7ofSZ1SpNCJEi2ykDH3qpVJE/dsIkGQeyIkJ5M9fJfvUhXsQyWM4RWMfiJ"
    "uJ03f12kZHch4arUflN2OoVxuiESNRQFPjcC4njK6sfSq16gEFjiXo6SWPdPg6uvg1kzda"
    "RpqaLENc83FhjCMi1153iFLNQqg/cNBV10HI2gHQiFENV4UqzNt7OoTP9nG9WW/VTuotZW"
    "LCXCnNxXLpFMzS0eDpO9bCjGOJlxaGcQpVkMgrYj2dYL6Za2KfI6tCzpNNOB4u2gDfIwLU"
    "kxP12Khu4firfXl63r780Kh+1AsytfmXR6Ifj9hmSKNO0ZrPHdAm9k+DNhFStulRfXG4x9"
    "XH0FVWpXjNWJYvBNgnuwBeOby5zWs3Go/gq6xK+ZqxLN8QCzFj3EUTLCa7cC44vsEd/SzE"
    "OQQQDIGr8jgFugvyoufLMbes10ucwB1suENK24qV/f87i6fCWz3ozmKtk5BYRqLIssMYAU"
    "xL2omVUw7oUHk9F9Hknn4GqFuIdQaDH3rmQIhbYoSek9up1xedriqDZgMrI1/CZtSmkKE7"
    "4L5ayEVYFqmfKWbSD2BLJcxPkMuAG89wlHx5RDpisodyZW/JhtO76F457YufmZSctZ2uHr"
    "GNOs+pH05yV8tqksrvnnNe0Y+Vm0G/a2gyIT1uVkztnBtLx4QjyRBlM4TddSaJnEiZnMsZ"
    "Q2P1m4txJGDEYUPOy8vDRue9KsSBZfgFSsQaO7X42OfBXkduyzTvB++VHDyChURCQrihyv"
    "leadNQNsNePcSBZTruIr7Ydq3WtKu1k1aj3mw2WtVVO1Ec2tZXdHrfdb3LZLtYANUVpgnt"
    "cQyznk9w8g7uZ4p6QXdAyTzeK6/kKMbbeutJjEJ3z6xnPd+zfihZ33ABm+j1f8Dj6dofll"
    "oY4tF0hrmLCiPMZmW2xaHADvIKptgzOdNwF4t/hoFg1A=="
)
