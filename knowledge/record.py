"""Value classes (frozen or not, always slotted) built without the `dataclasses` module.

Why not `dataclasses`: it imports `inspect` (with `ast`, `dis`, `tokenize`) and compiles six
or more methods per class with `exec`, and the three packages declare about forty value
classes, so it cost a quarter of the advisor's cold start. `record` keeps the same contract
the code relies on (typed fields with defaults and `field(default_factory=...)`,
`__post_init__`, frozen instances, value equality and hashing, `replace`, pickling, a
readable repr) for one small compiled `__init__` per class; `dataclass_transform` tells type
checkers to treat a record exactly like a dataclass.
"""

from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter
from typing import Any, TypeVar, dataclass_transform, overload

__all__ = ["FrozenError", "evolve", "field", "record", "replace", "to_dict"]

T = TypeVar("T")
_MISSING: Any = object()


class FrozenError(AttributeError):
    """Assigning to (or deleting) a field of a frozen record."""


class Field:
    """A field's settings, as `field(...)` declares them in a class body."""

    __slots__ = ("compare", "default", "default_factory", "repr")

    def __init__(self, default: Any, default_factory: Any, compare: bool, repr: bool) -> None:
        self.default = default
        self.default_factory = default_factory
        self.compare = compare
        self.repr = repr


def field(*, default: Any = _MISSING, default_factory: Callable[[], Any] = _MISSING,
          compare: bool = True, repr: bool = True) -> Any:
    """A field with a default built per instance, or left out of equality or repr."""
    if default is not _MISSING and default_factory is not _MISSING:
        raise ValueError("a field takes a default or a default_factory, not both")
    return Field(default, default_factory, compare, repr)


def _frozen_setattr(self: object, name: str, value: Any) -> None:
    raise FrozenError(f"cannot assign to field {name!r} of a frozen {type(self).__name__}")


def _frozen_delattr(self: object, name: str) -> None:
    raise FrozenError(f"cannot delete field {name!r} of a frozen {type(self).__name__}")


def _init_source(names: list[str], defaults: dict[str, Any], factories: set[str],
                 frozen: bool, post_init: bool) -> str:
    params, body = ["self"], []
    for name in names:
        if name in factories:
            params.append(f"{name}=_MISSING")
            value = f"_factory_{name}() if {name} is _MISSING else {name}"
        else:
            params.append(f"{name}=_default_{name}" if name in defaults else name)
            value = name
        body.append(f"_set_{name}(self, {value})" if frozen else f"self.{name} = {value}")
    if post_init:
        body.append("self.__post_init__()")
    return f"def __init__({', '.join(params)}):\n    " + "\n    ".join(body or ["pass"])


def _build(cls: type, frozen: bool) -> type:
    names: list[str] = []
    defaults: dict[str, Any] = {}
    factories: dict[str, Callable[[], Any]] = {}
    compared: list[str] = []
    shown: list[str] = []
    if any(hasattr(base, "__record_fields__") for base in cls.__mro__[1:]):
        raise TypeError(f"{cls.__name__}: a record cannot extend another record")
    namespace = dict(cls.__dict__)
    for name, annotation in namespace.get("__annotations__", {}).items():
        if "ClassVar" in str(annotation):
            continue
        value = namespace.pop(name, _MISSING)
        compare = show = True
        if isinstance(value, Field):
            compare, show = value.compare, value.repr
            if value.default_factory is not _MISSING:
                factories[name] = value.default_factory
            value = value.default
        if value is not _MISSING:
            defaults[name] = value
        elif (defaults or factories) and name not in factories:
            raise TypeError(f"{cls.__name__}: field {name!r} without a default follows one "
                            "with a default")
        names.append(name)
        if compare:
            compared.append(name)
        if show:
            shown.append(name)

    for name in ("__dict__", "__weakref__"):
        namespace.pop(name, None)
    namespace["__slots__"] = tuple(names)
    namespace["__record_fields__"] = tuple(names)
    namespace["__match_args__"] = tuple(names)
    key = _getter(compared)
    namespace["_record_key"] = staticmethod(key)
    namespace["__eq__"] = _eq_for(key, compared[0] if compared else None)
    namespace["__repr__"] = _repr_for(tuple(shown))
    namespace["__getstate__"] = _getstate_for(_getter(names))
    if frozen:
        if namespace.get("__hash__") is None:  # a __hash__ the class defines is kept
            namespace["__hash__"] = _hash
        namespace["__setattr__"] = _frozen_setattr
        namespace["__delattr__"] = _frozen_delattr
    else:
        namespace["__hash__"] = None
    made = type(cls)(cls.__name__, cls.__bases__, namespace)
    made.__qualname__ = cls.__qualname__

    # A frozen instance is filled through its slots' own setters (which its __setattr__
    # does not get in the way of): a third quicker than object.__setattr__ by name.
    setters = tuple(made.__dict__[n].__set__ for n in names)
    scope: dict[str, Any] = {"_MISSING": _MISSING}
    scope.update((f"_set_{n}", setter) for n, setter in zip(names, setters, strict=True))
    scope.update((f"_default_{n}", v) for n, v in defaults.items())
    scope.update((f"_factory_{n}", f) for n, f in factories.items())
    post_init = hasattr(cls, "__post_init__")
    exec(_init_source(names, defaults, set(factories), frozen, post_init), scope)
    init = scope["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    made.__init__ = init  # type: ignore[misc]
    made.__setstate__ = _setstate_for(setters)  # type: ignore[attr-defined]
    return made


def _getter(names: list[str]) -> Callable[[Any], tuple[Any, ...]]:
    """The values of `names` as a tuple, read at C speed (pickling, equality, hashing)."""
    if len(names) > 1:
        return attrgetter(*names)
    if names:
        one = attrgetter(names[0])
        return lambda obj: (one(obj),)
    return lambda obj: ()


def _eq_for(key: Callable[[Any], tuple[Any, ...]], first_name: str | None
            ) -> Callable[[Any, Any], Any]:
    first = attrgetter(first_name) if first_name else None

    def __eq__(self: Any, other: Any) -> Any:
        if other.__class__ is not self.__class__:
            return NotImplemented
        if self is other:
            return True
        if first is not None and first(self) != first(other):
            return False  # most unequal pairs differ in their first field (an id, a name)
        return key(self) == key(other)

    return __eq__


def _hash(self: Any) -> int:
    return hash(self._record_key(self))


def _repr_for(names: tuple[str, ...]) -> Callable[[Any], str]:
    def __repr__(self: Any) -> str:
        inner = ", ".join(f"{n}={getattr(self, n)!r}" for n in names)
        return f"{type(self).__qualname__}({inner})"

    return __repr__


def _getstate_for(get: Callable[[Any], tuple[Any, ...]]) -> Callable[[Any], tuple[Any, ...]]:
    def __getstate__(self: Any) -> tuple[Any, ...]:
        return get(self)

    return __getstate__


def _setstate_for(setters: tuple[Callable[[Any, Any], None], ...]
                  ) -> Callable[[Any, tuple[Any, ...]], None]:
    def __setstate__(self: Any, state: tuple[Any, ...]) -> None:
        for setter, value in zip(setters, state, strict=True):
            setter(self, value)

    return __setstate__


@overload
def record(cls: type[T], /) -> type[T]: ...


@overload
def record(*, frozen: bool = True) -> Callable[[type[T]], type[T]]: ...


@dataclass_transform(frozen_default=True, field_specifiers=(field,))
def record(cls: type[T] | None = None, /, *, frozen: bool = True) -> Any:
    """Make `cls` a slotted value class from its annotated fields (frozen unless told not)."""
    if cls is None:
        return lambda c: _build(c, frozen)
    return _build(cls, frozen)


def replace(obj: T, /, **changes: Any) -> T:
    """A copy of a record with some fields changed (validated again by its `__init__`)."""
    names = type(obj).__record_fields__  # type: ignore[attr-defined]
    values = {n: getattr(obj, n) for n in names}
    values.update(changes)
    return type(obj)(**values)


def evolve(obj: T, /, **changes: Any) -> T:
    """`replace` without running `__init__` and `__post_init__` again.

    For hot paths whose new values are already valid and frozen (a state's phase set to a
    known phase, a tuple taken from another record): re-validating and re-copying every
    field of a large record on each such step was a measurable share of a turn.
    """
    cls = type(obj)
    names = cls.__record_fields__  # type: ignore[attr-defined]
    unknown = changes.keys() - set(names)
    if unknown:
        raise TypeError(f"{cls.__name__} has no field {sorted(unknown)[0]!r}")
    new: Any = object.__new__(cls)
    new.__setstate__(tuple(changes[n] if n in changes else getattr(obj, n) for n in names))
    return new  # type: ignore[no-any-return]


def to_dict(obj: Any) -> dict[str, Any]:
    """A record's fields as a plain dict (values as they are)."""
    return {n: getattr(obj, n) for n in type(obj).__record_fields__}
