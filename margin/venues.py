"""Venue rule sets: how each exchange (or the textbook) turns a position into figures.

Each flag names one difference between the venues' published formulas (sources in
margin-reference.md); the engine branches on the flags, never on the venue's name.
"""

from __future__ import annotations

from dataclasses import dataclass

from margin.errors import UNKNOWN_VENUE, MarginError


class MaintenanceBasis:
    MARK = "mark"  # maintenance on the notional at the mark price (Binance, OKX, Hyperliquid)
    ENTRY = "entry"  # maintenance on the entry value (Bybit classic, the textbook formula)


@dataclass(frozen=True)
class Venue:
    name: str
    label: str
    description: str
    source: str
    leaves_out: tuple[str, ...]
    maintenance_basis: str = MaintenanceBasis.MARK
    uses_brackets: bool = True  # tiers chosen by notional
    uses_maintenance_amount: bool = True  # subtract the bracket's cum
    fee_in_maintenance: bool = False  # OKX/Gate: taker fee added to the MMR
    rate_from_max_leverage: bool = False  # Hyperliquid: MMR = 1 / (2 * max leverage)
    funding_moves_isolated_margin: bool = False  # Bybit: funding is paid from the isolated margin
    close_fee_in_order_cost: bool = False  # Bybit: order cost holds the fee to close at bankruptcy


VENUES: dict[str, Venue] = {
    v.name: v
    for v in (
        Venue(
            name="binance",
            label="Binance (USDT-M / COIN-M)",
            description=(
                "Maintenance margin on the notional at the mark price, tiered by notional with the "
                "maintenance amount (cum); the liquidation price is re-solved when it falls in "
                "another tier. Fees are paid outside the liquidation price."
            ),
            source='Binance FAQ "How to Calculate Liquidation Price of USDⓈ-M Futures Contracts"',
            leaves_out=(
                "partial liquidation of large positions",
                "auto-deleveraging (ADL)",
                "the liquidation clearance fee in cross margin",
            ),
        ),
        Venue(
            name="bybit",
            label="Bybit (classic USDT contracts)",
            description=(
                "Maintenance margin on the entry value; liquidation price "
                "E - s*(IM - MM)/Q - s*extra_margin/Q. Top-ups and funding move the isolated "
                "margin; the order cost holds the fee to close at the bankruptcy price."
            ),
            source='Bybit help center "Liquidation Price (USDT Contract)"',
            leaves_out=(
                "Bybit's own risk-limit tiers (the market's bracket table is used)",
                "partial liquidation",
                "auto-deleveraging (ADL)",
            ),
            maintenance_basis=MaintenanceBasis.ENTRY,
            funding_moves_isolated_margin=True,
            close_fee_in_order_cost=True,
        ),
        Venue(
            name="okx",
            label="OKX / Gate",
            description=(
                "The taker fee rate is added to the maintenance margin rate in the liquidation "
                "test: long LP = (E - M/Q)/(1 - MMR - fee), short LP = (E + M/Q)/(1 + MMR + fee)."
            ),
            source="OKX and Gate help pages on liquidation price (see margin-reference.md)",
            leaves_out=(
                "OKX's own tier tables (the market's bracket table is used, without cum)",
                "partial liquidation",
                "auto-deleveraging (ADL)",
            ),
            uses_maintenance_amount=False,
            fee_in_maintenance=True,
        ),
        Venue(
            name="hyperliquid",
            label="Hyperliquid",
            description=(
                "Maintenance margin rate = 1 / (2 * max leverage), no tiers and no maintenance "
                "amount; then Binance's liquidation formula."
            ),
            source='Hyperliquid docs "Liquidations"',
            leaves_out=(
                "Hyperliquid's margin tiers for very large positions",
                "partial liquidation and the backstop vault",
            ),
            uses_brackets=False,
            uses_maintenance_amount=False,
            rate_from_max_leverage=True,
        ),
        Venue(
            name="textbook",
            label="Textbook formula",
            description=(
                "The simple formula of most articles: LP = E * (1 - s/L + s*MMR) for a position "
                "with its initial margin; maintenance on the entry value, no maintenance amount, "
                "no fees."
            ),
            source="The seeds' simple formula (Bybit's classic formula without extra margin)",
            leaves_out=("tier maintenance amounts (cum)", "fees", "partial liquidation"),
            maintenance_basis=MaintenanceBasis.ENTRY,
            uses_maintenance_amount=False,
        ),
    )
}
DEFAULT_VENUE = "binance"


def venue_named(name: str | Venue) -> Venue:
    if isinstance(name, Venue):
        return name
    try:
        return VENUES[name]
    except KeyError:
        raise MarginError(UNKNOWN_VENUE.format(venue=name), field="venue") from None
