"""Money discipline: every rounding in the code names its rule, and displayed figures follow the
rounding table in the README ("Security and reliability" > "Rounding of displayed figures")."""

import ast
from decimal import Decimal
from pathlib import Path

import pytest

from core import display as shown_as
from core.display import display
from quiz.generators import format_number

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SOURCE_PACKAGES = ("academy", "accounts", "lessons", "quiz", "simulator")
ROUNDING_METHODS = {"quantize", "to_integral_value", "to_integral_exact", "to_integral"}


def source_files() -> list[Path]:
    return [
        path
        for package in SOURCE_PACKAGES
        for path in sorted((PROJECT_ROOT / package).rglob("*.py"))
        if "migrations" not in path.parts
    ]


def unnamed_roundings(path: Path) -> list[str]:
    """Calls like `x.quantize(q)` that leave the rule to whatever the decimal context holds."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        if node.func.attr not in ROUNDING_METHODS:
            continue
        positional_rule = node.func.attr == "quantize" and len(node.args) >= 2
        named_rule = any(keyword.arg == "rounding" for keyword in node.keywords)
        if not (positional_rule or named_rule):
            found.append(f"{path.relative_to(PROJECT_ROOT)}:{node.lineno}")
    return found


def test_the_scan_finds_an_unnamed_rounding():
    sample = PROJECT_ROOT / "var" / "rounding_sample.py"
    sample.parent.mkdir(exist_ok=True)
    sample.write_text("from decimal import Decimal\nDecimal('1.5').quantize(Decimal('1'))\n")
    try:
        assert unnamed_roundings(sample) == ["var/rounding_sample.py:2"]
    finally:
        sample.unlink()


def test_every_rounding_in_the_code_names_its_rule():
    files = source_files()
    assert len(files) > 50
    assert [hit for path in files for hit in unnamed_roundings(path)] == []


# The display rounding table (README): figures stay exact; only what is shown is rounded, half up
# (as a learner rounds by hand and exchanges show figures). The JSON API is not display: it sends
# 12 decimal places rounded half even, the rule of IEEE 754 and of Python's decimal default.
@pytest.mark.parametrize(
    ("shown", "expected"),
    [
        # core/display.py, the one display module: USD-like money to the cent
        (shown_as.money(Decimal("1234.565")), "$1,234.57"),
        (shown_as.money(Decimal("-0.005")), "-$0.01"),
        # coin amounts: up to 8 decimals, at least 2
        (shown_as.money(Decimal("0.123456785"), "BTC"), "0.12345679 BTC"),
        (shown_as.money(Decimal("2"), "BTC"), "2.00 BTC"),
        # prices: the places their size needs (the same on every page)
        (shown_as.price(Decimal("58793.965")), "58,793.97"),
        (shown_as.price(Decimal("0.1234565")), "0.123457"),
        # percentages of a fraction: 2 decimals
        (shown_as.percent(Decimal("0.123455")), "12.35%"),
        # kinds of figure, as the calculators and the API messages name them
        (display(Decimal("1234.565"), "money"), "1,234.57"),
        (display(Decimal("58793.965"), "price"), "58,793.97"),
        (display(Decimal("12.34565"), "price"), "12.35"),
        (display(Decimal("2.345675"), "price"), "2.3457"),
        (display(Decimal("0.0123455"), "price"), "0.012346"),
        (display(Decimal("0.1234565"), "quantity"), "0.123457"),
        (display(Decimal("0.000000015"), "plain"), "0.00000002"),
        (display(Decimal("0.0012345"), "percent"), "0.12%"),
        (display(Decimal("0.00125"), "percent"), "0.13%"),  # half up, not half even (0.12%)
        (display(Decimal("12.5"), "leverage"), "12.5x"),
        (display(Decimal("2.5"), "count"), "3"),
        # quiz (quiz/generators.py): generated numbers at the question's places
        (format_number(Decimal("2.5"), 0), "3"),
        (format_number(Decimal("58793.965"), 2), "58,793.97"),
    ],
)
def test_displayed_figures_follow_the_rounding_table(shown, expected):
    assert shown == expected
