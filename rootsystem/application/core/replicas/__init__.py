"""Read replicas: reads of a request go to a replica, everything else to the primary.

    DB_READ_URLS=postgres://app@replica-1:5432/shop,postgres://app@replica-2:5432/shop

See docs/scaling.md.
"""

from core.replicas.router import on_primary

__all__ = ["on_primary"]
