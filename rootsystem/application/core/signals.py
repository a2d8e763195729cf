"""Model lifecycle signals Tortoise does not have: soft delete and restore.

Tortoise's own `post_save`/`post_delete` cover create, update and hard delete; these two let
features such as audit logging see the soft-delete mixin's state changes too.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

logger = logging.getLogger("nori.signals")
Receiver = Callable[[type[Any], Any], Awaitable[None]]


class Signal:
    """An async signal: `send(model_class, instance)` awaits every connected receiver in order."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._receivers: list[Receiver] = []

    def connect(self, receiver: Receiver) -> Receiver:
        if receiver not in self._receivers:
            self._receivers.append(receiver)
        return receiver

    def disconnect(self, receiver: Receiver) -> None:
        if receiver in self._receivers:
            self._receivers.remove(receiver)

    async def send(self, sender: type[Any], instance: Any) -> None:
        for receiver in list(self._receivers):
            await receiver(sender, instance)


soft_deleted = Signal("soft_deleted")
restored = Signal("restored")
