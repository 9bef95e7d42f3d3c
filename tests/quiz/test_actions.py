"""Items answered by acting on a setup: the margin engine grades what the learner set."""

import random
from decimal import Decimal

import pytest
from django.urls import reverse

from quiz import actions
from quiz.models import PracticeAnswer
from quiz.practice import action_item

SURVIVE = {
    "entry_price": "65000",
    "notional": "10000",
    "leverage": "10",
    "wallet_balance": "8000",
    "shock": "-0.15",
}
SPLIT = {"entry_price": "65000", "notional": "10000", "leverage": "10", "wallet_balance": "6000"}


@pytest.mark.parametrize(
    ("margin", "survives"),
    [
        ("1000", False),  # the initial margin: liquidated near a 9.5% fall
        ("1500", False),  # bankrupt exactly at the $55,250 mark, so liquidated before it
        ("2000", True),  # bankrupt at $52,000, liquidated a little above: below the mark
        ("8000", True),
    ],
)
def test_the_engine_decides_whether_the_margin_set_survives_the_fall(margin, survives):
    outcome = actions.grade("survive_shock", SURVIVE, {"isolated_margin": margin})
    assert outcome.correct is survives
    assert "$55,250" in outcome.lines[1]  # 65,000 x 0.85


@pytest.mark.parametrize("margin", ["999", "8001", "lots"])
def test_a_margin_outside_what_the_account_can_set_is_refused(margin):
    with pytest.raises(actions.ActionError):
        actions.grade("survive_shock", SURVIVE, {"isolated_margin": margin})


@pytest.mark.parametrize(
    ("move", "correct", "isolated_closes"),
    [
        ("-5", False, "nothing"),  # closes nothing in either mode
        ("-12", True, "A"),  # isolated A is past its 9.5% buffer; cross has $6,000 behind it
        ("-70", False, "A"),  # too far: cross loses the whole balance too
    ],
)
def test_the_move_must_close_the_isolated_position_and_nothing_in_cross(
    move, correct, isolated_closes
):
    outcome = actions.grade("isolated_not_cross", SPLIT, {"move": move})
    assert outcome.correct is correct
    assert outcome.lines[0].endswith(f"closes {isolated_closes}.")


def test_the_cross_order_is_right_only_in_the_engines_order():
    params = actions.ACTIONS["cross_order"].draw(random.Random(7))
    ranked = [position_id for position_id, _ in actions._nearest_first(params)]
    right = {f"place_{n}": position_id for n, position_id in enumerate(ranked, start=1)}
    wrong = {"place_1": ranked[2], "place_2": ranked[1], "place_3": ranked[0]}
    assert actions.grade("cross_order", params, right).correct
    assert not actions.grade("cross_order", params, wrong).correct
    with pytest.raises(actions.ActionError, match="each of the three"):
        actions.grade("cross_order", params, {"place_1": ranked[0], "place_2": ranked[0]})


@pytest.mark.parametrize("seed", range(20))
def test_every_draw_has_a_right_answer(seed):
    rng = random.Random(seed)
    survive = actions.ACTIONS["survive_shock"].draw(rng)
    assert actions.grade("survive_shock", survive, {"isolated_margin": survive["wallet_balance"]})
    split = actions.ACTIONS["isolated_not_cross"].draw(rng)
    assert actions.grade("isolated_not_cross", split, {"move": "-25"}).correct
    assert actions.ACTIONS["cross_order"].draw(rng)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("margin", "verdict", "correct"),
    [("initial", "Not quite.", False), ("4000", "Right!", True)],
)
def test_the_practice_view_grades_a_simulator_action_right_and_wrong(
    client, margin, verdict, correct
):
    item = action_item("survive_shock", slot=0, rng=random.Random(1))
    params = item.parameters
    if margin == "initial":  # the initial margin never survives a fall of 10% or more
        margin = str(Decimal(params["notional"]) / Decimal(params["leverage"]))
    response = client.post(
        reverse("quiz:practice_answer"),
        {"token": item.token, "block": "", "page": "/learn/", "isolated_margin": margin},
        headers={"HX-Request": "true"},
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert verdict in content
    assert "what the engine did with your setting" in content
    answer = PracticeAnswer.objects.get()
    assert answer.item == "action:survive_shock"
    assert answer.is_correct is correct
    assert answer.concepts == ["C04", "C09"]
