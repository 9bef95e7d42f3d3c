"""Monte Carlo: first-passage probabilities against the closed form, caps, seeding.

Speed is measured by benchmarks/engine_bench.py: a timed test on a shared machine is noise.
"""

import math
import tracemalloc

import numpy as np
import pytest

from margin import MarginError, evaluate, montecarlo
from margin.montecarlo import MAX_PATH_STEPS, run_monte_carlo
from tests.margin.factories import account, position

# Broadie, Glasserman and Kou (1997): discrete monitoring = continuous monitoring of a barrier
# moved away by exp(BETA * sigma * sqrt(dt)), BETA = -zeta(1/2) / sqrt(2 * pi).
BETA = 0.5825971579390106


def normal_cdf(z: float) -> float:
    return 0.5 * (1 + math.erf(z / math.sqrt(2)))


def first_passage_probability(barrier_log: float, sigma: float, years: float, down: bool) -> float:
    """P(a driftless GBM's log price, drift -sigma**2/2, reaches ``barrier_log`` by ``years``)."""
    nu = -0.5 * sigma**2
    if not down:  # reflect: the maximum of X is minus the minimum of -X (drift -nu)
        barrier_log, nu = -barrier_log, -nu
    sd = sigma * math.sqrt(years)
    return normal_cdf((barrier_log - nu * years) / sd) + math.exp(
        2 * nu * barrier_log / sigma**2
    ) * normal_cdf((barrier_log + nu * years) / sd)


@pytest.mark.parametrize("side", ["long", "short"])
def test_liquidation_probability_matches_the_corrected_closed_form(side):
    spec = account(
        position(
            side=side,
            entry_price="60000",
            quantity="1",
            leverage="20",
            maintenance_margin_rate="0.005",
        ),
        wallet="10000",
    )
    liquidation = float(evaluate(spec).positions[0].liquidation_price)
    sigma, paths = 0.8, 20_000
    result = run_monte_carlo(
        spec, volatility="0.8", horizon_hours="24", step_minutes="15", paths=paths, seed=7
    )
    shift = BETA * sigma * math.sqrt(result.step_years)
    down = side == "long"
    barrier = math.log(liquidation / 60000) + (-shift if down else shift)
    expected = first_passage_probability(barrier, sigma, result.step_years * result.steps, down)
    estimate = result.isolated.position_probability["A"]
    standard_error = math.sqrt(expected * (1 - expected) / paths)
    assert 0.1 < expected < 0.5
    assert abs(estimate - expected) < 3 * standard_error


def test_a_hedge_is_liquidated_less_often_in_cross_than_in_isolated():
    spec = account(
        position(id="long-btc", entry_price="65000", notional="10000"),
        position(
            id="short-eth", symbol="ETHUSDT", side="short", entry_price="3400", notional="10000"
        ),
        wallet="5000",
    )
    result = run_monte_carlo(
        spec,
        volatility="0.8",
        correlation="0.9",
        horizon_hours="72",
        step_minutes="15",
        paths=4000,
        seed=1,
    )
    assert result.cross.account_probability < result.isolated.account_probability
    assert result.isolated.account_probability > 0.1


def test_isolated_final_equity_never_falls_below_the_free_balance():
    spec = account(position(entry_price="65000", notional="10000"), wallet="5000")
    result = run_monte_carlo(spec, volatility="1.5", horizon_hours="72", paths=2000, seed=3)
    assert result.isolated.final_equity_percentiles[1] >= 4000 - 1e-6
    assert result.cross.final_equity_percentiles[1] >= 0


def test_runs_are_reproducible_and_independent_of_the_chunk_size(monkeypatch):
    spec = account(
        position(entry_price="65000", notional="10000"),
        position(id="B", symbol="ETHUSDT", entry_price="3400", notional="2500", leverage="5"),
        wallet="5000",
    )
    first = run_monte_carlo(spec, paths=500, horizon_hours="24", seed=11)
    monkeypatch.setattr(montecarlo, "CHUNK_ELEMENTS", 1000)
    second = run_monte_carlo(spec, paths=500, horizon_hours="24", seed=11)
    assert first.isolated == second.isolated
    assert first.cross == second.cross
    other_seed = run_monte_carlo(spec, paths=500, horizon_hours="24", seed=12)
    assert other_seed.isolated.final_equity_percentiles != first.isolated.final_equity_percentiles


def test_more_path_steps_than_the_cap_are_refused():
    spec = account(position(entry_price="65000", notional="10000"), wallet="5000")
    with pytest.raises(MarginError) as caught:
        run_monte_carlo(spec, paths=100_000, horizon_hours="1000", step_minutes="1")
    assert caught.value.field == "paths"
    assert str(MAX_PATH_STEPS) in caught.value.message


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"correlation": "1.5"}, "correlation"),
        ({"volatility": "-0.1"}, "volatility"),
        ({"step_minutes": "0"}, "step_minutes"),
        ({"horizon_hours": "0"}, "step_minutes"),
        ({"paths": 0}, "paths"),
    ],
)
def test_bad_monte_carlo_settings_name_their_field(kwargs, field):
    spec = account(position(entry_price="65000", notional="10000"), wallet="5000")
    with pytest.raises(MarginError) as caught:
        run_monte_carlo(spec, **kwargs)
    assert caught.value.field == field


def test_positions_already_past_liquidation_count_as_liquidated_in_both_modes():
    spec = account(
        position(entry_price="65000", mark_price="50000", notional="10000"), wallet="1000"
    )
    result = run_monte_carlo(spec, paths=200, horizon_hours="1", seed=2)
    assert result.isolated.account_probability == 1.0
    assert result.cross.account_probability == 1.0
    assert result.cross.mean_final_equity == 0.0  # a 2,307.69 loss on a 1,000 wallet


def test_the_cross_screen_only_skips_paths_that_cannot_be_liquidated(monkeypatch):
    """The per-chunk lower bound lets most paths skip the step-by-step cross check; switching
    it off (every path checked at every step) must give exactly the same result."""
    spec = account(
        position(id="A", entry_price="65000", notional="10000"),
        position(id="B", symbol="ETHUSDT", entry_price="3400", notional="2500", leverage="5"),
        wallet="1500",
    )
    screened = run_monte_carlo(spec, volatility="0.8", horizon_hours="72", paths=3000, seed=4)
    assert 0.02 < screened.cross.account_probability < 0.5
    monkeypatch.setattr(
        montecarlo,
        "_cross_health_lower_bound",
        lambda low, *args: np.full(low.shape[1], -np.inf),
    )
    unscreened = run_monte_carlo(spec, volatility="0.8", horizon_hours="72", paths=3000, seed=4)
    assert unscreened.cross == screened.cross


def test_the_largest_run_allowed_stays_within_a_bounded_amount_of_memory():
    """paths x steps at the cap (here 100,000 paths x 100 steps, two symbols) is worked in
    chunks: numpy's allocations peak at tens of megabytes, not the 8 GB of whole paths."""
    spec = account(
        position(entry_price="65000", notional="10000"),
        position(id="B", symbol="ETHUSDT", entry_price="3400", notional="2500", leverage="5"),
        wallet="5000",
    )
    tracemalloc.start()
    try:
        result = run_monte_carlo(spec, paths=100_000, horizon_hours="25", step_minutes="15", seed=1)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.paths * result.steps == MAX_PATH_STEPS
    assert peak < 64 * 2**20
