"""``quick_init`` changes how a frozen dataclass stores its fields, nothing else."""

import dataclasses
from dataclasses import dataclass, field

import pytest

from margin.evaluate import Leg, PositionResult
from margin.records import quick_init


@quick_init
@dataclass(frozen=True)
class Sample:
    a: int
    b: str = "b"
    c: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "c", self.a * 2)


def test_a_quick_record_keeps_the_dataclass_behaviour():
    record = Sample(1)
    assert (record.a, record.b, record.c) == (1, "b", 2)
    assert record == Sample(a=1, b="b") != Sample(1, "x")
    assert repr(record) == "Sample(a=1, b='b')"
    assert hash(record) == hash(Sample(1))
    assert dataclasses.replace(record, a=3).c == 6
    with pytest.raises(dataclasses.FrozenInstanceError):
        record.a = 2
    with pytest.raises(TypeError):
        Sample()
    with pytest.raises(TypeError):
        Sample(1, "b", 3)


def test_the_engine_hot_records_use_it():
    for cls in (PositionResult, Leg):
        assert cls.__init__.__qualname__ == f"{cls.__qualname__}.__init__"
        assert cls.__init__.__code__.co_filename == "<string>"  # built by quick_init


@pytest.mark.parametrize(
    "declaration",
    [
        {"x": field(default_factory=list)},
        {"x": field(default=1, kw_only=True)},
    ],
)
def test_unsupported_fields_are_refused(declaration):
    namespace = {"__annotations__": dict.fromkeys(declaration, "object"), **declaration}
    cls = dataclass(frozen=True)(type("Unsupported", (), namespace))
    with pytest.raises(TypeError, match="quick_init"):
        quick_init(cls)


def test_slots_are_refused():
    cls = dataclass(frozen=True, slots=True)(type("Slotted", (), {"__annotations__": {"x": "int"}}))
    with pytest.raises(TypeError, match="slots"):
        quick_init(cls)
