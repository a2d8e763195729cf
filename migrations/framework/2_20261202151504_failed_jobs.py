"""framework/2_20261202151504_failed_jobs.py: failed jobs.

Written by `python3 nori.py migrate:make`. Each engine runs its own script below; review them
with `python3 nori.py migrate:sql`, and edit all three together.
"""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True

UPGRADE = {
    "sqlite": """
CREATE TABLE IF NOT EXISTS "failed_jobs" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "job_id" VARCHAR(255) NOT NULL,
    "name" VARCHAR(255) NOT NULL,
    "queue" VARCHAR(100) NOT NULL,
    "kwargs" JSON NOT NULL,
    "exception" TEXT NOT NULL,
    "traceback" TEXT NOT NULL,
    "attempts" INT NOT NULL,
    "failed_at" TIMESTAMP NOT NULL
) /* Written by both queue drivers, in the site's database rather than the queue's. */;
CREATE INDEX IF NOT EXISTS "idx_failed_jobs_queue_9992bb" ON "failed_jobs" ("queue");
CREATE INDEX IF NOT EXISTS "idx_failed_jobs_failed__4ab6cf" ON "failed_jobs" ("failed_at");
""",
    "mysql": "CREATE TABLE IF NOT EXISTS `failed_jobs` (\n    `id` BIGINT NOT NULL PRIMARY KEY AUTO_INCREMENT,\n    `job_id` VARCHAR(255) NOT NULL,\n    `name` VARCHAR(255) NOT NULL,\n    `queue` VARCHAR(100) NOT NULL,\n    `kwargs` JSON NOT NULL,\n    `exception` LONGTEXT NOT NULL,\n    `traceback` LONGTEXT NOT NULL,\n    `attempts` INT NOT NULL,\n    `failed_at` DATETIME(6) NOT NULL,\n    KEY `idx_failed_jobs_queue_9992bb` (`queue`),\n    KEY `idx_failed_jobs_failed__4ab6cf` (`failed_at`)\n) CHARACTER SET utf8mb4 COMMENT='Written by both queue drivers, in the site\\'s database rather than the queue\\'s.';\n",
    "postgres": """
CREATE TABLE IF NOT EXISTS "failed_jobs" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "job_id" VARCHAR(255) NOT NULL,
    "name" VARCHAR(255) NOT NULL,
    "queue" VARCHAR(100) NOT NULL,
    "kwargs" JSONB NOT NULL,
    "exception" TEXT NOT NULL,
    "traceback" TEXT NOT NULL,
    "attempts" INT NOT NULL,
    "failed_at" TIMESTAMPTZ NOT NULL
);
CREATE INDEX IF NOT EXISTS "idx_failed_jobs_queue_9992bb" ON "failed_jobs" ("queue");
CREATE INDEX IF NOT EXISTS "idx_failed_jobs_failed__4ab6cf" ON "failed_jobs" ("failed_at");
COMMENT ON TABLE "failed_jobs" IS 'Written by both queue drivers, in the site''s database rather than the queue''s.';
""",
}

DOWNGRADE = {
    "sqlite": """
DROP TABLE IF EXISTS "failed_jobs";
""",
    "mysql": """
DROP TABLE IF EXISTS `failed_jobs`;
""",
    "postgres": """
DROP TABLE IF EXISTS "failed_jobs";
""",
}


async def upgrade(db: BaseDBAsyncClient) -> str:
    return UPGRADE[db.schema_generator.DIALECT]


async def downgrade(db: BaseDBAsyncClient) -> str:
    return DOWNGRADE[db.schema_generator.DIALECT]


MODELS_STATE = (
    "eJztXOtT2zgQ/1c0+VI6QxkaEuDam5sJFFraAh3IXTstHaPESqKLI7mWXMj08r/fSrbjtx"
    "OHPCDNlw5od/X4rbxP0V+VjoMH5I47/Z2Ga1L5kXcrr9CvCoNR+CGLvI0q2LZjRDUmccvS"
    "IlgxGhbvCs3aEtLBbQmUDrYEgSGTiLZDbUk5U/yXjCAtQ0wEjDD6Gt26gjgGNW8RFQgj28"
    "KUIcok6RIHCY5kjyBYAXFXWvQnEcgkFlETKDmxoxY2eRtWpqy7wDVcRn+4xJC8S4DbgZW+"
    "fYdhykxyT4T69VtlwEHO0HgCySFt7piwauW74rT7RocSy4xhDkQg6XFDDm09dkS7Z0yeal"
    "51uJbR5pY7YCG/PZQ9zsYCcBA12iWMOBh2DWPScRX8zLUsX1eBRrxzhCzeASIyJulg11JK"
    "VNLeBsKximFcXDaN65OmYVRSCg4kIvrwh9qcqcsBWxUagK7awos/qtW9vYPq7t7+Yb12cF"
    "A/3D0EXr3fNOlg5G0mRMubSmN29vbsoqk2xOEGepdTDYy0DJbYk9J6CtH3b0VaBbn4RyQm"
    "KyGAPKIFH+OxEgKWlWqh+rJ2UDvc26+NwR+PFGEe4Bvi6X1uaTiPe9jJxjOUSMAJ25wCzt"
    "SlTuMZWqJlADrA94ZFWFf24Nf6bgF6/zSujt81rrbqu8/j1/bCp1Q1KQ5w3MBMC3Jcaiag"
    "J9/bFeL8cncaoIErF2lNi0MdWu8SSMeE1g/o/doUOO/XcmFWpDjK7R5mXSLSGL+/vrzIxj"
    "gikkDYpG2J/kMWFfMxxUtFugBZhYWaeSDEDyuK6NZ540sS7OOPl0caGy5k19Gz6AmOEshT"
    "28CmCQwZ4Odf8LjU+t3wWn2KG16r595wRUraETimkKUNSVRq/XB+WT2cxmRXD/NNtqIljI"
    "lDFBwGlmmo3wBF0gHJsSkxyaRZ8UV3gh/mE5gsNdCD85mXzBr66xZg3zw7P7luNs4/xSzO"
    "m0bzRFGqenSYGN3aT6hpPAn6fNZ8h9Sv6OvlxUnSMI35ml8rak/Yldxg/E4ZmRCiYDSAca"
    "TSqU4/EtKrgRZu9+8weN8UhVd5Hm+aNKgOkiOY4a5WmQJXbTPMlE8xtYj5nrcq2Zl0SN+e"
    "kEp3NKfxL29NmUt/dqiUhKHWELW47CG4Zy5BpgP5qyO2IbvVWa2APPgZ5LOQArWwIAjuLG"
    "SvQMIeXUs9y0ij5zv9DbthDXRFTMi/O5Yreog7CHgAEgR3QWJHooErJGJcIon7REt74RTi"
    "HXTXwxJ5EKE7CtuhchvkTcV2w5K7gEX05iR3CCKw4SEk9LbFhwPCJMKW+hrgWHAJBHLtHX"
    "QLqAfVgciuETVv2JYa8D5j1CfDbdRROw9GQPD5tqogUNg/HsKObbAkr9GtP5ve962e75VD"
    "pDO81aebtqSwqRs8yrqBd13K+PNQYg3z3Gp9mqgJuHKduabFnXnZJPdB6e1viK+2SWUAHg"
    "ssCuGl2pHFFxBUgNEtldmGEg9KbGe6zJU/Oy7TxTjUcqklKRM7atm/KgvSwLLzXXLfJnZ2"
    "ebJJ7nPcZkxoLSxLUeR/8qVZDPs48P94efE2YE/qIg67CmKJirTKwB4T2sA+A+wYYveBLT"
    "PMT26IGBWZqbfx2DCfd3fDz9DKVxdigpviwqa4MGVx4RNxBlQITx1Z1YUIw/aE8oI9Zp2u"
    "vJCv/Tlnrb9LyvpAM5SfjK42UVottIuP4qM7KwFyQmx5MUxlUfH6glLS5VnbSEuGW1ktx3"
    "PMhk2u/tU6PYPjY9bO+lZCC3wFUz25z2YU3NZgNFw/8lQg85wOsXSjJOBIuJUOd7Qu+mQ4"
    "Btqve4315NNCSZ9B9hzudnuBnGHHnBuweW+y9HfXuD5uvNEO30i6gtEkr6qPku1Pg1MWet"
    "Lx7dn40I0P3fjQHB9awq4n3uNZlPUzrPORL3v64UrZoGzHGn7Kf8NUsxrnx1ErSJnn0dwc"
    "YNJqP9gNxhORJ3X/Z3CG8dMmXWIYXcSdYcrhJT1i1FvOwRmG2WyRN7wmRQlmQJ3kEwUpkV"
    "pWPpAhMRFnCKPrd40X1fq+avGqPmub8z71Oq+6q4phxB4GVL0c4jZhAjGO/EXTres5z696"
    "14UPyLeAGZRNaJepFvFzNTNhJuxGNYpBEBYMEFLynBHkX/Yb5iky6GX7e1AAe81j1b2Odt"
    "rVdEhfTJhpEV3kgrdfc+xfPiKXN69HjZtn5ssqxCqgy/TVAv5NV20BXTWbAnmGonhccv2q"
    "4k+kCh6AlCqDR7VsYSENQUhGCaxYyTHB5eh4uS2m9Wp9xN+Hl4oN7Jljg0f9Tnn+78G1a4"
    "dwnGVYzHx841Lrh/MTrCdPyqzGFYjs1CpaoCjMrbTqF1R0/BaNNNUa3p+qbuqQK6pDLj9T"
    "eGRR07xThaf1JyGb2GU+sYsumZX6jCISm7dP/neUcqVxgNPonno1sA9kCQ3UR1qjV24U34"
    "3dZfReZRZtRysLTxrEoe1eTnDiEyeFJjhk2/RCn9KnXRSDqL/vKvnaJSKyFq91l/DnF+q7"
    "KoGwz76G6C7k1RasKDMz7IL/ViAUWX6deDV1yLlVhFeadI/+B9B6B8k="
)
