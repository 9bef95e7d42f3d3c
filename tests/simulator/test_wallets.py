"""The two-wallets picture and the one sentence per mode, from the engine's figures."""

import re

import pytest

from simulator.forms import Setup
from simulator.presets import PRESETS
from simulator.views import calculate
from simulator.wallets import LABEL_SIZE, RULER_WIDTH, WIDTH


def picture_of(preset_id: str, **changes):
    data = PRESETS[preset_id].form_data() | changes
    result = calculate(Setup(data))
    assert result is not None
    return result.picture


def test_w4_isolated_closes_a_and_keeps_the_rest_of_the_account():
    picture = picture_of("W4")
    assert picture.isolated.sentence == (
        "Isolated: A is closed and you lose its $1,000.00; the account keeps $4,000.00."
    )
    svg = str(picture.isolated.svg)
    assert 'class="closed"' in svg  # A's envelope drawn closed
    assert re.search(r">A( closed)?<", svg)  # the longest label that fits the envelope
    assert "envelope A of $1,000.00 closed by liquidation, $1,000.00 lost" in svg  # aria-label
    assert ">free $3,500.00<" in svg  # the untouched free balance
    assert 'class="lost"' not in svg  # nothing drains from B or the free balance


def test_w4_cross_keeps_both_open_with_the_loss_out_of_one_pool():
    picture = picture_of("W4")
    assert picture.cross.sentence == (
        "Cross: nothing is closed; the account is at $3,800.00, but every dollar of the "
        "$5,000.00 backs both positions."
    )
    svg = str(picture.cross.svg)
    assert ">shared pool $3,800.00<" in svg
    assert 'class="lost"' in svg
    assert picture.cross.headline == "account $3,800.00 · lost $1,200.00 · nothing closed"


def test_w5_says_the_same_as_w4_about_the_same_positions():
    w4, w5 = picture_of("W4"), picture_of("W5")
    assert [m.sentence for m in w4.modes] == [m.sentence for m in w5.modes]


def test_the_red_drain_grows_with_the_shock():
    def lost_width(picture) -> float:
        match = re.search(r'<rect class="lost" x="[\d.]+" y="0" width="([\d.]+)"', str(picture))
        return float(match.group(1)) if match else 0.0

    widths = [
        lost_width(picture_of("W4", **{"shock-BTCUSDT": shock}).cross.svg)
        for shock in ("-2", "-6", "-12", "-30")
    ]
    assert widths == sorted(widths)
    assert widths[0] < widths[-1]


def test_a_deep_fall_closes_everything_in_cross_and_says_so():
    picture = picture_of("W4", **{"shock-BTCUSDT": "-60", "shock-ETHUSDT": "-60"})
    assert picture.cross.sentence.startswith("Cross: everything is closed;")
    assert set(picture.cross.closed) == {"A", "B"}


def test_a_gain_is_drawn_past_the_wallet_without_leaving_the_drawing():
    picture = picture_of("W10")  # B, the short, gains $2,400 as ETH falls
    svg = str(picture.isolated.svg)
    assert 'class="gain"' in svg
    right_edges = [
        float(x) + float(w)
        for x, w in re.findall(r'<rect class="\w+" x="([\d.]+)" y="0" width="([\d.]+)"', svg)
    ]
    assert max(right_edges) <= WIDTH + 0.1


def test_each_position_has_a_ruler_with_both_modes_prices_and_the_shocked_price():
    picture = picture_of("W4")
    a, b = picture.rulers
    assert a.title == "A · BTC long: now 57,200.00 (-12%), entry 65,000.00"
    assert a.isolated == (
        "Isolated: liquidation 58,793.97, bankruptcy 58,500.00 (reached: closed)."
    )
    assert a.cross == "Cross: liquidation 32,744.97, bankruptcy 32,500.00."
    assert b.cross == "Cross: no liquidation price above zero."
    svg = str(a.svg)
    assert svg.count('class="liquidation') == 2  # one dot per mode
    assert svg.count('class="bankrupt') == 2
    assert 'class="now"' in svg
    assert f'viewBox="0 0 {RULER_WIDTH} ' in svg


@pytest.mark.parametrize("preset_id", PRESETS)
def test_every_preset_draws_labels_at_12_units_inside_phone_width_drawings(preset_id):
    picture = picture_of(preset_id)
    for svg in [*(m.svg for m in picture.modes), *(r.svg for r in picture.rulers)]:
        text = str(svg)
        assert f'font-size="{LABEL_SIZE}"' in text
        width = int(re.search(r'viewBox="0 0 (\d+) ', text).group(1))
        assert width <= WIDTH
        assert 'aria-label="' in text  # the text alternative
        assert 'role="img"' in text


def test_labels_are_escaped():
    from simulator import wallets

    assert "&lt;b&gt;" in wallets._segment(0, 500, "free", "<b>")


def test_two_positions_on_one_symbol_and_side_draw_the_one_position_the_engine_merged():
    # The engine merges a symbol's positions on one side (one-way mode); the picture and its
    # rulers follow what it evaluated instead of failing on the merged-away id.
    from benchmarks.workload import eight_cross_fields

    result = calculate(Setup(eight_cross_fields()))
    assert result is not None
    assert [p.id for p in result.comparison.isolated.evaluation.positions] == list("ABCDEFG")
    assert [ruler.position_id for ruler in result.picture.rulers] == list("ABCDEFG")
