from decimal import Decimal

import pytest

from simulator.charts import LineChart, Marker, Rule, Series, nice_step, ticks


def chart(**overrides) -> LineChart:
    fields = {
        "id": "chart-test",
        "title": "Equity <by> move",
        "description": "A & B",
        "x_label": "Move (%)",
        "y_label": "Equity",
        "series": (
            Series("Isolated", ((-10, Decimal("4000")), (0, Decimal("5000")))),
            Series("Cross", ((-10, Decimal("3800")), (0, Decimal("5000"))), dashed=True),
        ),
    }
    return LineChart(**(fields | overrides))


@pytest.mark.parametrize(
    ("span", "step"), [(10, 2), (100, 20), (1000, 200), (7, 1), (0.5, 0.1), (10600, 2000)]
)
def test_tick_steps_are_round_numbers(span, step):
    assert nice_step(span) == pytest.approx(step)


def test_ticks_cover_the_range_inside_its_bounds():
    values = ticks(-12.5, 47)
    assert values[0] >= -12.5
    assert values[-1] <= 47
    assert values == [-10, 0, 10, 20, 30, 40]


def test_svg_is_an_accessible_image_with_title_and_description():
    svg = chart().svg()
    assert svg.startswith('<svg class="sim-chart"')
    assert 'role="img"' in svg
    assert 'aria-labelledby="chart-test-title chart-test-desc"' in svg
    assert '<title id="chart-test-title">Equity &lt;by&gt; move</title>' in svg
    assert '<desc id="chart-test-desc">A &amp; B</desc>' in svg


def test_each_series_is_a_polyline_and_dashed_ones_say_so():
    svg = chart().svg()
    assert svg.count("<polyline") == 2
    assert 'stroke-dasharray="6 4"/>' in svg


def test_markers_and_rules_are_labelled_and_escaped():
    svg = chart(
        markers=(Marker(-10, 4000, "A <liq>"),),
        rules=(Rule(-5, "liquidation"), Rule(4500, "margin", axis="y")),
    ).svg()
    assert "A &lt;liq&gt;" in svg
    assert ">liquidation</text>" in svg
    assert ">margin</text>" in svg


def test_the_text_alternative_has_one_row_per_x_and_one_column_per_series():
    headings, rows = chart().table()
    assert headings == ["Move (%)", "Isolated", "Cross"]
    assert rows == [["-10", "4,000", "3,800"], ["0", "5,000", "5,000"]]


def test_a_flat_or_empty_chart_still_renders():
    assert "<svg" in chart(series=(Series("Flat", ((0, 5), (1, 5))),)).svg()
    assert "<svg" in chart(series=()).svg()
