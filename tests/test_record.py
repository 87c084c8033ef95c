"""The value classes every package builds on behave like frozen, slotted dataclasses."""

from __future__ import annotations

import copy
import pickle
from typing import ClassVar, Generic, TypeVar

import pytest

from knowledge.record import FrozenError, field, record, replace, to_dict

T = TypeVar("T")


@record
class Point:
    """A documented record."""

    ORIGIN_NAME: ClassVar[str] = "origin"

    x: int
    y: int = 0
    tags: tuple[str, ...] = field(default_factory=tuple)
    note: str = field(default="", compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.x < 0:
            raise ValueError("x must not be negative")
        object.__setattr__(self, "tags", tuple(self.tags))

    @property
    def norm1(self) -> int:
        return self.x + self.y


@record
class Box(Generic[T]):
    item: T
    count: int = 1


@record(frozen=False)
class Tally:
    name: str
    seen: list[str] = field(default_factory=list)


def test_fields_defaults_factories_and_post_init() -> None:
    p = Point(1, tags=["a"])  # type: ignore[arg-type]
    assert (p.x, p.y, p.tags, p.note) == (1, 0, ("a",), "")
    assert p.norm1 == 1 and Point.ORIGIN_NAME == "origin"
    assert Point.__doc__ == "A documented record."
    with pytest.raises(ValueError, match="negative"):
        Point(-1)
    with pytest.raises(TypeError):
        Point()  # type: ignore[call-arg]
    assert Tally("a").seen is not Tally("a").seen  # a fresh default per instance


def test_frozen_records_refuse_changes_and_have_no_dict() -> None:
    p = Point(1)
    with pytest.raises(FrozenError, match="'x'"):
        p.x = 2  # type: ignore[misc]
    with pytest.raises(AttributeError):
        del p.y
    with pytest.raises(AttributeError):
        p.other = 1  # type: ignore[attr-defined]
    assert not hasattr(p, "__dict__")


def test_equality_hash_and_repr_follow_the_compared_fields() -> None:
    assert Point(1, 2, note="a") == Point(1, 2, note="b")
    assert hash(Point(1, 2, note="a")) == hash(Point(1, 2, note="b"))
    assert Point(1, 2) != Point(2, 1)
    assert Point(1) != (1, 0, ())  # type: ignore[comparison-overlap]  # never equal to a tuple
    assert {Point(1), Point(1)} == {Point(1)}
    assert repr(Point(1, tags=("t",))) == "Point(x=1, y=0, tags=('t',))"
    t = Tally("a")
    t.seen.append("b")
    t.name = "c"
    assert t == Tally("c", ["b"])
    with pytest.raises(TypeError):
        hash(t)


def test_replace_validates_again_and_to_dict_lists_every_field() -> None:
    p = Point(1, 2, note="n")
    assert replace(p, y=5) == Point(1, 5) and replace(p, y=5).note == "n"
    with pytest.raises(ValueError):
        replace(p, x=-3)
    with pytest.raises(TypeError):
        replace(p, z=1)
    assert to_dict(p) == {"x": 1, "y": 2, "tags": (), "note": "n"}


def test_pickle_copy_and_pattern_matching() -> None:
    for value in (Point(3, 4, ("a",), "n"), Box("x", 2), Tally("t", ["u"])):
        for protocol in range(2, pickle.HIGHEST_PROTOCOL + 1):
            again = pickle.loads(pickle.dumps(value, protocol=protocol))
            assert again == value and type(again) is type(value)
        assert copy.copy(value) == value and copy.deepcopy(value) == value
    assert pickle.loads(pickle.dumps(Point(1, note="kept"))).note == "kept"
    match Point(1, 2):
        case Point(x, y):
            assert (x, y) == (1, 2)
        case _:
            pytest.fail("no match")


def test_generic_records_are_subscriptable() -> None:
    assert Box[int](3) == Box(3)
    assert Box[str].__origin__ is Box  # type: ignore[attr-defined]


def test_declaration_mistakes_are_reported_at_class_creation() -> None:
    with pytest.raises(TypeError, match="without a default follows"):
        @record
        class Bad:
            a: int = 0
            b: int  # type: ignore[misc]

    with pytest.raises(TypeError, match="cannot extend"):
        @record
        class Child(Point):
            z: int = 0

    with pytest.raises(ValueError, match="not both"):
        field(default=1, default_factory=int)


def test_a_hash_the_class_defines_is_kept() -> None:
    @record
    class Keyed:
        key: str
        note: str = ""

        def __hash__(self) -> int:
            return hash(self.key)

    assert hash(Keyed("a", "x")) == hash("a")
    assert Keyed("a", "x") != Keyed("a", "y")  # equality still compares every field
    with pytest.raises(FrozenError):
        Keyed("a").key = "b"  # type: ignore[misc]
