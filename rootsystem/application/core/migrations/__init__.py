"""Schema migrations for the framework app and the site's `models` app.

`backend` is the only module that knows the migration engine (Aerich today); the rest of the
framework talks to `operations`, so the engine can be swapped (Tortoise 1.x is growing its own).
"""

from core.database import FRAMEWORK_APP, SITE_APP

APPS = (FRAMEWORK_APP, SITE_APP)  # framework first: site tables may reference framework tables
