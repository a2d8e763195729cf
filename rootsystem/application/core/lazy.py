"""`lazy_exports`: a package's public names, each imported from its module when first read.

A package that re-exports names from its modules (`from core.acl import grant`) imports every
one of those modules with the package, and so everything they import. Some of them are needed
only by a few requests or commands (the ACL's changes and sync, the broadcast hub, mail
composing, the OpenAPI builder), yet a served worker or `routes:list` that touches the package
for one cheap name would keep them all. The package's `__getattr__` (PEP 562) imports a name's
module when the name is first asked for, then sets the name on the package, so later reads are
plain attribute reads that never come back here.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from importlib import import_module
from typing import Any


def lazy_exports(package: str, modules: Mapping[str, str]) -> Callable[[str], Any]:
    """The `__getattr__` for `package`, where `modules` maps each lazy name to its submodule."""

    def __getattr__(name: str) -> Any:
        submodule = modules.get(name)
        if submodule is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(import_module(f"{package}.{submodule}"), name)
        setattr(sys.modules[package], name, value)
        return value

    return __getattr__
