"""Frozen dataclasses built fast: the engine's results and legs are made by the thousand.

A frozen dataclass's generated ``__init__`` sets each field through ``object.__setattr__`` (one
call per field, ~35 for a position's result); ``quick_init`` swaps in an ``__init__`` that writes
the same values into the instance's ``__dict__`` in one update. The class stays the dataclass
mypy checks (same fields, defaults, equality, repr, hash and immutability after construction);
only how its constructor stores the values changes.
"""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

_Record = TypeVar("_Record")


def quick_init(cls: type[_Record]) -> type[_Record]:
    """Give the frozen dataclass ``cls`` an ``__init__`` with the generated one's signature that
    stores every init field with one ``__dict__`` update, then calls ``__post_init__`` if the
    class has one. Fields with a ``default_factory``, keyword-only fields and slots are not
    supported (none of the engine's hot classes has them)."""
    params = dataclasses.fields(cls)  # type: ignore[arg-type]
    namespace: dict[str, Any] = {}
    signature, stores = [], []
    for param in params:
        if not param.init:
            continue
        if param.default_factory is not dataclasses.MISSING:
            raise TypeError(f"quick_init: {cls.__name__}.{param.name} has a default_factory")
        if param.default is dataclasses.MISSING:
            signature.append(param.name)
        else:
            namespace[f"_default_{param.name}"] = param.default
            signature.append(f"{param.name}=_default_{param.name}")
        stores.append(f"{param.name!r}: {param.name}")
        if param.kw_only:
            raise TypeError(f"quick_init: {cls.__name__}.{param.name} is keyword-only")
    if "__slots__" in cls.__dict__:
        raise TypeError(f"quick_init: {cls.__name__} has slots, no __dict__")
    arguments = ", ".join(signature)
    body = f"    self.__dict__.update({{{', '.join(stores)}}})\n"
    if hasattr(cls, "__post_init__"):
        body += "    self.__post_init__()\n"
    exec(f"def __init__(self, {arguments}):\n{body}", namespace)  # noqa: S102
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__doc__ = cls.__init__.__doc__
    cls.__init__ = init  # type: ignore[method-assign]  # the point of this decorator
    return cls
