from decimal import Decimal as D

import pytest

from core.display import display


@pytest.mark.parametrize(
    ("value", "kind", "expected"),
    [
        (D("58793.965"), "money", "58,793.97"),  # half up, grouped
        (D("-2000"), "money", "-2,000.00"),
        (D("58793.964"), "price", "58,793.96"),
        (D("85.13"), "price", "85.13"),
        (D("0.089351234"), "price", "0.089351"),
        (D("0.0333333333"), "quantity", "0.033333"),
        (D("10"), "quantity", "10"),
        (D("0.48975"), "percent", "48.98%"),
        (D("12.5"), "leverage", "12.5x"),
        (D("100"), "leverage", "100x"),
        (90, "count", "90"),
        (D("0.00500000"), "plain", "0.005"),
        (None, "price", "\u2014"),
    ],
)
def test_display_rounds_for_reading_only(value, kind, expected):
    assert display(value, kind) == expected


def test_display_refuses_an_unknown_kind():
    with pytest.raises(ValueError, match="unknown figure kind"):
        display(D(1), "furlongs")
