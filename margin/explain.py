"""``explain``: the derivation of one figure with the learner's own numbers.

Each step names its formula (the words of margin-reference.md), the formula with the numbers put
in, the value, and the concept id of the lesson that teaches it (concepts.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

from margin.errors import UNKNOWN_FIGURE, MarginError
from margin.evaluate import AccountResult, PositionResult
from margin.markets import ContractKind
from margin.model import MarginMode, Side
from margin.venues import MaintenanceBasis

SHOWN_DECIMALS = Decimal("0.00000001")


@dataclass(frozen=True)
class Step:
    label: str
    formula: str
    substituted: str
    value: Decimal | None
    concept_id: str


def shown(value: Decimal | None) -> str:
    """A number as a learner reads it: fixed point, at most 8 decimals, no trailing zeros."""
    if value is None:
        return "none"
    if abs(value) < Decimal("1e20"):
        value = value.quantize(SHOWN_DECIMALS, rounding=ROUND_HALF_EVEN)
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def signed(value: Decimal | None) -> str:
    """``+ 5`` or ``- 5``: a term to add in a substituted formula."""
    if value is None:
        return "+ none"
    return f"- {shown(-value)}" if value < 0 else f"+ {shown(value)}"


def _position_steps(p: PositionResult, figure: str) -> list[Step]:
    inverse = p.contract is ContractKind.INVERSE
    s = "+1" if p.side is Side.LONG else "-1"
    q = shown(p.quantity)
    e, m = shown(p.entry_price), shown(p.mark_price)
    entry_value = p.initial_margin * p.leverage
    if figure == "notional":
        if inverse:
            return [
                Step(
                    "Notional (coin)",
                    "contracts x contract size / P",
                    f"{shown(p.notional * p.mark_price)} / {m}",
                    p.notional,
                    "C02",
                )
            ]
        return [Step("Notional", "Q x P", f"{q} x {m}", p.notional, "C02")]
    if figure == "initial_margin":
        return [
            Step(
                "Initial margin",
                "entry value / L",
                f"{shown(entry_value)} / {shown(p.leverage)}",
                p.initial_margin,
                "C02",
            )
        ]
    if figure == "unrealized_pnl":
        if inverse:
            usd = shown(p.notional * p.mark_price)
            return [
                Step(
                    "Unrealized PnL (coin)",
                    "s x N x (1/E - 1/P)",
                    f"{s} x {usd} x (1/{e} - 1/{m})",
                    p.unrealized_pnl,
                    "C01",
                )
            ]
        return [
            Step(
                "Unrealized PnL",
                "s x Q x (P - E)",
                f"{s} x {q} x ({m} - {e})",
                p.unrealized_pnl,
                "C01",
            )
        ]
    if figure == "maintenance_margin":
        if p.maintenance_basis == MaintenanceBasis.ENTRY:
            return [
                Step(
                    "Maintenance margin (on the entry value)",
                    "entry value x MMR - cum",
                    f"{shown(entry_value)} x {shown(p.maintenance_margin_rate)} - "
                    f"{shown(p.maintenance_amount)}",
                    p.maintenance_margin,
                    "C03",
                )
            ]
        return [
            Step(
                "Notional at the mark",
                "Q x P" if not inverse else "N / P",
                f"{q} x {m}" if not inverse else f"{shown(p.notional * p.mark_price)} / {m}",
                p.notional,
                "C03",
            ),
            Step(
                "Maintenance margin",
                "notional x MMR - cum",
                f"{shown(p.notional)} x {shown(p.maintenance_margin_rate)} - "
                f"{shown(p.maintenance_amount)}",
                p.maintenance_margin,
                "C03",
            ),
        ]
    if figure == "margin_balance":
        if p.margin_mode is MarginMode.ISOLATED:
            return [
                Step(
                    "Margin balance (isolated)",
                    "isolated margin + uPnL",
                    f"{shown(p.isolated_margin)} + {shown(p.unrealized_pnl)}",
                    p.margin_balance,
                    "C04",
                )
            ]
        return [
            Step(
                "Margin balance (cross)",
                "cross wallet + every cross uPnL",
                "the account's cross margin balance",
                p.margin_balance,
                "C05",
            )
        ]
    if figure == "margin_ratio":
        return [
            Step(
                "Margin ratio",
                "maintenance margin / margin balance (1 liquidates)",
                f"{shown(p.maintenance_margin)} / {shown(p.margin_balance)}",
                p.margin_ratio,
                "C03",
            )
        ]
    if figure in ("liquidation_price", "bankruptcy_price"):
        return _price_steps(p, figure)
    if figure == "distance_to_liquidation":
        return [
            Step(
                "Distance to liquidation",
                "|LP - P| / P",
                f"|{shown(p.liquidation_price)} - {m}| / {m}",
                p.distance_to_liquidation,
                "C06",
            )
        ]
    raise MarginError(UNKNOWN_FIGURE.format(figure=figure), field="figure")


def _price_steps(p: PositionResult, figure: str) -> list[Step]:
    basis = p.liquidation_basis
    assert basis is not None
    isolated = p.margin_mode is MarginMode.ISOLATED
    concept = "C04" if isolated else "C05"
    wb = shown(basis.wallet_balance)
    wallet_label = "isolated margin" if isolated else "cross wallet balance"
    steps = [Step("WB", wallet_label, wb, basis.wallet_balance, concept)]
    if not isolated:
        steps.append(
            Step(
                "TMM1 and UPNL1",
                "other cross positions at their current marks",
                f"TMM1 = {shown(basis.other_maintenance_margin)}, "
                f"UPNL1 = {shown(basis.other_unrealized_pnl)}",
                None,
                "C05",
            )
        )
    if basis.shared_with:
        steps.append(
            Step(
                "Hedge mode",
                "one price shared by the long and the short",
                ", ".join(basis.shared_with),
                None,
                "C12",
            )
        )
    s = "1" if p.side is Side.LONG else "-1"
    q, e = shown(p.quantity), shown(p.entry_price)
    tmm1, upnl1 = basis.other_maintenance_margin, basis.other_unrealized_pnl
    if figure == "bankruptcy_price":
        if p.contract is ContractKind.INVERSE:
            formula = "price where margin balance = 0"
            substituted = f"WB = {wb}"
        else:
            formula = "(WB + UPNL1 - s x Q x E) / (-s x Q)"
            substituted = f"({wb} {signed(upnl1)} - {s} x {q} x {e}) / (-{s} x {q})"
        if basis.shared_with:
            formula, substituted = "margin balance = 0 for the long and short together", "-"
        steps.append(Step("Bankruptcy price", formula, substituted, p.bankruptcy_price, "C15"))
        return steps
    mmr, cum = shown(basis.maintenance_margin_rate), shown(basis.maintenance_amount)
    if basis.shared_with:
        formula = (
            "(WB - TMM1 + UPNL1 + cumL + cumS - QL x EL + QS x ES) / "
            "(QL x MMRL + QS x MMRS - QL + QS)"
        )
        substituted = "with both legs of the hedge (see the other position's figures)"
    elif p.contract is ContractKind.INVERSE:
        n = shown(p.notional * p.mark_price)
        # cross: the other positions' balance counts as wallet, held at their marks
        effective = shown(basis.wallet_balance - tmm1 + upnl1)
        if p.side is Side.LONG:
            formula = "N x (1 + MMR) / (WB - TMM1 + UPNL1 + cum + N/E)"
            substituted = f"{n} x (1 + {mmr}) / ({effective} + {cum} + {n} / {e})"
        else:
            formula = "N x (1 - MMR) / (N/E - (WB - TMM1 + UPNL1) - cum)"
            substituted = f"{n} x (1 - {mmr}) / ({n} / {e} - {effective} - {cum})"
    elif p.maintenance_basis == MaintenanceBasis.ENTRY:
        formula = "E - s x (WB - TMM1 + UPNL1 - MM) / Q, MM on the entry value"
        substituted = (
            f"{e} - {s} x ({wb} - {shown(tmm1)} {signed(upnl1)} - "
            f"{shown(p.maintenance_margin)}) / {q}"
        )
    else:
        formula = "(WB - TMM1 + UPNL1 + cum - s x Q x E) / (Q x MMR - s x Q)"
        substituted = (
            f"({wb} - {shown(tmm1)} {signed(upnl1)} + {cum} - {s} x {q} x {e}) / "
            f"({q} x {mmr} - {s} x {q})"
        )
    steps.append(
        Step(
            "Bracket at the liquidation price",
            "MMR and cum of that bracket",
            f"MMR = {mmr}, cum = {cum}",
            basis.maintenance_margin_rate,
            "C03",
        )
    )
    steps.append(Step("Liquidation price", formula, substituted, p.liquidation_price, "C06"))
    return steps


def _account_steps(a: AccountResult, figure: str) -> list[Step]:
    if figure == "margin_ratio":
        return [
            Step(
                "Margin ratio",
                "cross maintenance margin / cross margin balance",
                f"{shown(a.cross_maintenance_margin)} / {shown(a.cross_margin_balance)}",
                a.margin_ratio,
                "C05",
            )
        ]
    if figure == "cross_margin_balance":
        return [
            Step(
                "Cross margin balance",
                "cross wallet + cross uPnL",
                f"{shown(a.cross_wallet_balance)} + "
                f"{shown(a.cross_margin_balance - a.cross_wallet_balance)}",
                a.cross_margin_balance,
                "C05",
            )
        ]
    if figure == "available_balance":
        return [
            Step(
                "Available balance",
                "max(0, cross margin balance - cross initial margin)",
                f"max(0, {shown(a.cross_margin_balance)} - {shown(a.cross_initial_margin)})",
                a.available_balance,
                "C11",
            )
        ]
    if figure == "cross_wallet_balance":
        return [
            Step(
                "Cross wallet",
                "wallet balance - isolated margins",
                f"{shown(a.wallet_balance)} - {shown(a.isolated_margin)}",
                a.cross_wallet_balance,
                "C13",
            )
        ]
    if figure == "margin_balance":
        return [
            Step(
                "Margin balance",
                "wallet balance + every uPnL",
                f"{shown(a.wallet_balance)} + {shown(a.unrealized_pnl)}",
                a.margin_balance,
                "C05",
            )
        ]
    raise MarginError(UNKNOWN_FIGURE.format(figure=figure), field="figure")


def explain(result: PositionResult | AccountResult, figure: str) -> list[Step]:
    """The steps that derive ``figure`` of a position or account result."""
    if isinstance(result, AccountResult):
        return _account_steps(result, figure)
    return _position_steps(result, figure)
