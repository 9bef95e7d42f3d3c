"""Venue rule sets: how each exchange (or the textbook) turns a position into figures.

Each flag names one difference between the venues' published rules, with its source beside it;
the engine branches on the flags, never on the venue's name. A venue's tables (its own, never
another venue's) are in ``margin/data/<parameters>.json``; a rule that changed on a date keeps
both versions, and ``rules_on`` gives the one in force on a day.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from margin.errors import UNKNOWN_VENUE, MarginError

# Bybit "The New Margin Calculation: Adjustments and Implications" (help center, last updated
# 2025-09-18; API docs: positionIM = positionIMByMp, positionMM = positionMMByMp): from this day
# cross IM and MM, and isolated MM, are computed on the mark price instead of the entry price.
BYBIT_MARK_BASIS_SINCE = date(2025, 9, 2)


class MaintenanceBasis:
    MARK = "mark"  # maintenance on the notional at the mark price (Binance, OKX, Hyperliquid)
    ENTRY = "entry"  # maintenance on the entry value (Bybit classic, the textbook formula)


class FundingSource(StrEnum):
    """Which wallet pays (and receives) an isolated position's funding."""

    # Binance USDⓈ-M user data stream, "Event: Balance and Position Update": a FUNDING FEE on an
    # isolated position updates that position's isolated wallet. dYdX v4: funding changes the
    # (child) subaccount's quoteBalance. OKX and Hyperliquid publish nothing: the engine assumes
    # the same and says so in their descriptions.
    POSITION_MARGIN = "position_margin"
    # Bybit "Funding Fee Calculation" (2024-12-19): "deducted from the trader's available balance.
    # In the event when a trader has no sufficient available balance, the funding fee will be
    # deducted from the position margin".
    AVAILABLE_FIRST = "available_first"


class ModeScope(StrEnum):
    """What one margin-mode choice covers on the venue (venue-parameters.md, section 0)."""

    SYMBOL = "symbol"  # Binance: per symbol; refused while the symbol has a position (-4048)
    ACCOUNT = "account"  # Bybit UTA: one mode for the whole account
    POSITION = "position"  # OKX: per order / position (tdMode)
    ASSET = "asset"  # Hyperliquid: per asset; refused with an open position
    SUBACCOUNT = "subaccount"  # dYdX v4: isolation is a separate child subaccount
    NONE = "none"  # the textbook: no venue rule


@dataclass(frozen=True)
class Venue:
    name: str
    label: str
    description: str
    source: str
    leaves_out: tuple[str, ...]
    parameters: str  # the data file of its tables: margin/data/<parameters>.json
    maintenance_basis: str = MaintenanceBasis.MARK
    uses_brackets: bool = True  # tiers chosen by notional
    uses_maintenance_amount: bool = True  # subtract the bracket's cum
    fee_in_maintenance: bool = False  # OKX/Gate: taker fee added to the MMR
    rate_from_max_leverage: bool = False  # Hyperliquid: MMR = 1 / (2 * max leverage)
    funding_source: FundingSource = FundingSource.POSITION_MARGIN
    close_fee_in_order_cost: bool = False  # Bybit: order cost holds the fee to close at bankruptcy
    # Bybit: the estimated fee to close at the bankruptcy price is inside both the position's IM
    # and its MM ("The New Margin Calculation", USDT isolated formulas; inverse: "Liquidation
    # Price Calculation under Isolated Mode (UTA)", 2026-05-27, IM = PV/Lev + fee to close).
    close_fee_in_margins: bool = False
    # Binance "Account Information V2": the cross available balance counts the initial margin at
    # the mark price; Bybit too since 2025-09-02 (cross IM on the mark).
    cross_initial_at_mark: bool = False
    # The day a dated rule change took effect; before it, ``rules_on`` gives the entry basis and
    # the initial margin at entry.
    mark_basis_since: date | None = None
    mode_scope: ModeScope = ModeScope.NONE

    @property
    def funding_moves_isolated_margin(self) -> bool:
        """Whether an isolated position's funding comes out of (or into) its own margin first."""
        return self.funding_source is FundingSource.POSITION_MARGIN

    def rules_on(self, day: date | None) -> Venue:
        """The rule set in force on ``day`` (None: today's)."""
        if self.mark_basis_since is None or day is None or day >= self.mark_basis_since:
            return self
        return dataclasses.replace(
            self,
            maintenance_basis=MaintenanceBasis.ENTRY,
            cross_initial_at_mark=False,
            mark_basis_since=None,
        )

    def rules_version(self, day: date | None) -> str:
        """Words for the rule version in force on ``day``."""
        if self.mark_basis_since is None:
            return f"{self.label}: one rule version"
        since = self.mark_basis_since.isoformat()
        if day is not None and day < self.mark_basis_since:
            return f"{self.label}: margins on the entry price (the rule before {since})"
        return f"{self.label}: margins on the mark price (the rule since {since})"


VENUES: dict[str, Venue] = {
    v.name: v
    for v in (
        Venue(
            name="binance",
            label="Binance (USDT-M / COIN-M)",
            description=(
                "Maintenance margin on the notional at the mark price, tiered by notional with the "
                "maintenance amount (cum); the liquidation price is re-solved when it falls in "
                "another tier. Fees are paid outside the liquidation price. An isolated "
                "position's funding is settled in its own isolated wallet."
            ),
            source='Binance FAQ "How to Calculate Liquidation Price of USDⓈ-M Futures Contracts"',
            leaves_out=(
                "partial liquidation of large positions",
                "auto-deleveraging (ADL)",
                "the liquidation clearance fee in cross margin",
                "per-account brackets (notionalCoef); the default brackets are used",
            ),
            parameters="binance",
            cross_initial_at_mark=True,
            mode_scope=ModeScope.SYMBOL,
        ),
        Venue(
            name="bybit",
            label="Bybit (USDT and inverse contracts)",
            description=(
                "Bybit's own risk-limit tiers. Since 2025-09-02 maintenance is on the mark price "
                "(and cross initial margin too); before, both on the entry value, with "
                "liquidation price E - s*(IM - MM)/Q - s*extra_margin/Q. The fee to close at the "
                "bankruptcy price is inside both IM and MM. Funding comes from the available "
                "balance first, from the position margin only when that runs out."
            ),
            source='Bybit help center "Liquidation Price (USDT Contract)" and "The New Margin '
            'Calculation: Adjustments and Implications"',
            leaves_out=(
                "partial liquidation (stepping down the risk limit)",
                "auto-deleveraging (ADL)",
                "risk-limit tiers chosen on positions plus open orders",
            ),
            parameters="bybit",
            funding_source=FundingSource.AVAILABLE_FIRST,
            close_fee_in_order_cost=True,
            close_fee_in_margins=True,
            cross_initial_at_mark=True,
            mark_basis_since=BYBIT_MARK_BASIS_SINCE,
            mode_scope=ModeScope.ACCOUNT,
        ),
        Venue(
            name="okx",
            label="OKX",
            description=(
                "Position tiers counted in contracts (long and short contracts added in cross); "
                "the tier's rate applies to the whole position with no maintenance amount, and "
                "the taker fee rate is added to it in the liquidation test: long LP = "
                "(E - M/Q)/(1 - MMR - fee), short LP = (E + M/Q)/(1 + MMR + fee)."
            ),
            source="OKX v5 API position tiers; OKEx tiered maintenance FAQ (2019)",
            leaves_out=(
                "tiers above the first (not in the sources used)",
                "where isolated funding is paid from (not published; the isolated margin assumed)",
                "partial liquidation",
                "auto-deleveraging (ADL)",
            ),
            parameters="okx",
            uses_maintenance_amount=False,
            fee_in_maintenance=True,
            mode_scope=ModeScope.POSITION,
        ),
        Venue(
            name="hyperliquid",
            label="Hyperliquid",
            description=(
                "Maintenance margin rate = 1 / (2 * max leverage of the tier), with the tiers' "
                "deductions keeping it continuous; then Binance's liquidation formula."
            ),
            source='Hyperliquid docs "Liquidations" and "Margin tiers"',
            leaves_out=(
                "partial liquidation and the backstop vault",
                "funding on the oracle price, hourly",
                "where isolated funding is paid from (not published; the isolated margin assumed)",
            ),
            parameters="hyperliquid",
            rate_from_max_leverage=True,
            mode_scope=ModeScope.ASSET,
        ),
        Venue(
            name="dydx",
            label="dYdX v4",
            description=(
                "One maintenance margin fraction per market (its liquidity tier), no maintenance "
                "amount, at the oracle price: Binance's formula with cum 0. An isolated position "
                "is a child subaccount whose funding moves its own balance."
            ),
            source='dYdX v4 docs "Liquidations" and "Margin" (dydxprotocol/v4-documentation)',
            leaves_out=(
                "the liquidation penalty of up to 1.5% to the insurance fund",
                "open-interest-based initial margin",
                "USDC collateral (counted here in the market's quote)",
            ),
            parameters="dydx",
            uses_maintenance_amount=False,
            mode_scope=ModeScope.SUBACCOUNT,
        ),
        Venue(
            name="textbook",
            label="Textbook formula",
            description=(
                "The simple formula of most articles: LP = E * (1 - s/L + s*MMR) for a position "
                "with its initial margin; maintenance on the entry value, no maintenance amount, "
                "no fees. Its rate is read from Binance's table."
            ),
            source="The seeds' simple formula (Bybit's classic formula without extra margin)",
            leaves_out=("tier maintenance amounts (cum)", "fees", "partial liquidation"),
            parameters="binance",
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
