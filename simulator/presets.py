"""The source material's worked examples, and the playbooks module's setups, as simulator presets.

A preset is the form data of a setup (so it goes through exactly the same validation and engine
call as anything a learner types) plus two sentences: what the source material claims, and what
the engine finds. The second is a template filled with the engine's own figures when the preset is
shown (placeholders such as ``{A_liquidation_price}`` are listed in ``simulator.results.facts``),
so it can never drift from what the engine computes.

Entry prices follow the source material's own example (BTC $65,000, ETH $3,400, SOL $185) so that
the presets reproduce its arithmetic; the market table's default prices are used everywhere else.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from core.concepts import ERRATA, PRESET_TITLES

BTC_PRICE = "65000"
ETH_PRICE = "3400"
SOL_PRICE = "185"
# The course teaches with a round 0.5% maintenance rate and says so next to every figure; left
# blank, the venue's bracket would apply (0.4% in Binance's smallest BTC and ETH tiers).
ROUND_RATE = {"maintenance_margin_rate": "0.5"}


@dataclass(frozen=True)
class PresetPosition:
    symbol: str
    side: str
    margin_mode: str
    entry_price: str
    size: str  # notional in the quote currency
    leverage: str
    isolated_margin: str = ""
    maintenance_margin_rate: str = ""  # per cent; blank: the venue's bracket


@dataclass(frozen=True)
class Preset:
    id: str
    wallet_balance: str
    positions: tuple[PresetPosition, ...]
    shocks: dict[str, str]  # symbol -> per cent
    seed_claims: str
    engine_finds: str
    collateral: str = "USDT"
    venue: str = "binance"
    errata: tuple[str, ...] = ()
    concept_ids: tuple[str, ...] = ()
    extra: dict[str, str] = field(default_factory=dict)
    claim_label: str = "The source material says:"  # the playbooks state a plan, not a claim
    # What a learner sees: the example's name (its button) and one line of what it teaches. The
    # id (W4) stays the example's key in URLs and lesson blocks, never a label.
    name: str = ""
    teaches: str = ""

    @property
    def title(self) -> str:
        return PRESET_TITLES[self.id]

    @property
    def label(self) -> str:
        return self.name or self.title

    @property
    def errata_text(self) -> list[tuple[str, str]]:
        return [(erratum, ERRATA[erratum]) for erratum in self.errata]

    def form_data(self) -> dict[str, str]:
        """The setup as the simulator form's fields (the same keys a shared URL carries)."""
        data = {
            "wallet_balance": self.wallet_balance,
            "collateral": self.collateral,
            "venue": self.venue,
            "preset": self.id,
            "pos-TOTAL_FORMS": str(len(self.positions)),
            "pos-INITIAL_FORMS": "0",
            **self.extra,
        }
        for index, position in enumerate(self.positions):
            prefix = f"pos-{index}-"
            data |= {
                prefix + "symbol": position.symbol,
                prefix + "side": position.side,
                prefix + "margin_mode": position.margin_mode,
                prefix + "entry_price": position.entry_price,
                prefix + "size_by": "notional",
                prefix + "size": position.size,
                prefix + "leverage": position.leverage,
                prefix + "isolated_margin": position.isolated_margin,
                prefix + "maintenance_margin_rate": position.maintenance_margin_rate,
            }
        for symbol, percent in self.shocks.items():
            data[f"shock-{symbol}"] = percent
        return data


def _long(symbol, mode, price, size, leverage, **extra) -> PresetPosition:
    return PresetPosition(symbol, "long", mode, price, size, leverage, **extra)


def _short(symbol, mode, price, size, leverage, **extra) -> PresetPosition:
    return PresetPosition(symbol, "short", mode, price, size, leverage, **extra)


PRESETS: dict[str, Preset] = {
    preset.id: preset
    for preset in (
        Preset(
            id="W1",
            name="5x long, BTC -20%",
            teaches=(
                "Leverage multiplies the move: at 5x a 20% fall costs the whole stake, a 20% rise"
                " doubles it."
            ),
            wallet_balance="5000",
            positions=(_long("BTCUSDT", "isolated", BTC_PRICE, "25000", "5", **ROUND_RATE),),
            shocks={"BTCUSDT": "-20"},
            seed_claims=(
                "With $5,000 at 5:1 you hold $25,000 of bitcoin: a 20% rise earns $5,000 (100% on "
                "your cash) and a 20% fall wipes out the whole $5,000."
            ),
            engine_finds=(
                "With a 0.5% maintenance rate the position is liquidated at "
                "{A_liquidation_price}, {A_distance} below entry, so the $5,000 is gone just "
                "before the fall reaches 20%: equity after the fall is {equity}. Move the shock "
                "to +20% to see the $5,000 gain."
            ),
            concept_ids=("C01", "C02", "C03"),
        ),
        Preset(
            id="W2",
            name="2 BTC isolated in a 10 BTC account",
            teaches=(
                "In a coin-margined account, isolated margin caps the loss at the coins put "
                "behind the trade."
            ),
            wallet_balance="10",
            collateral="BTC",
            positions=(
                _long(
                    "BTCUSD",
                    "isolated",
                    BTC_PRICE,
                    "650000",
                    "5",
                    isolated_margin="2",
                    **ROUND_RATE,
                ),
            ),
            shocks={"BTCUSD": "-25"},
            seed_claims=(
                "A 10 BTC account puts 2 BTC of isolated margin behind a leveraged ETH trade: the "
                "worst case loses those 2 BTC and the other 8 BTC are untouched."
            ),
            engine_finds=(
                "A coin-margined contract is margined in its own coin, so the 2 BTC here back a "
                "BTCUSD inverse long of $650,000 at 5x. Its profit and loss follow 1/price, so it "
                "is liquidated at {A_liquidation_price}, only {A_distance} below entry (a linear "
                "5x long would last to about 19.5%). After a 25% fall the account keeps {equity}: "
                "the 2 BTC of isolated margin is all it loses, but each remaining BTC is worth "
                "25% fewer dollars."
            ),
            concept_ids=("C20", "C04"),
        ),
        Preset(
            id="W3",
            name="$500 isolated behind an ETH long",
            teaches=(
                "An isolated position can lose its envelope and nothing more; the rest of the "
                "wallet is untouched."
            ),
            wallet_balance="5000",
            positions=(
                _long(
                    "ETHUSDT",
                    "isolated",
                    ETH_PRICE,
                    "5000",
                    "10",
                    isolated_margin="500",
                    **ROUND_RATE,
                ),
            ),
            shocks={"ETHUSDT": "-10"},
            seed_claims=(
                "A $5,000 ETH long at 10x backed by $500 of isolated margin: liquidation costs "
                "exactly the $500 and the other $4,500 is untouched."
            ),
            engine_finds=(
                "With a 0.5% maintenance rate liquidation comes at {A_liquidation_price}, "
                "{A_distance} below entry; after a 10% fall the account holds {equity}, exactly "
                "$500 less than before. In cross mode the same trade has no liquidation price: "
                "the $5,000 balance covers the whole position."
            ),
            concept_ids=("C04", "C06"),
        ),
        Preset(
            id="W4",
            name="Two isolated longs, BTC -12%",
            teaches=(
                "Isolated margin closes the losing position early and caps the loss at its "
                "envelope; the rest of the account is safe."
            ),
            wallet_balance="5000",
            positions=(
                _long("BTCUSDT", "isolated", BTC_PRICE, "10000", "10", **ROUND_RATE),
                _long("ETHUSDT", "isolated", ETH_PRICE, "2500", "5", **ROUND_RATE),
            ),
            shocks={"BTCUSDT": "-12", "ETHUSDT": "0"},
            seed_claims=(
                "Two isolated longs, A on BTC ($1,000 at 10x) and B on ETH ($500 at 5x), $3,500 "
                "free. When BTC crashes 12%, A is liquidated for -$1,000, B runs on and the "
                "account is left with $4,000."
            ),
            engine_finds=(
                "With a 0.5% maintenance rate A is liquidated at {A_liquidation_price}, only "
                "{A_distance} below entry: before the fall reaches 12%. The account is left with "
                "{isolated_equity}. The same positions under cross survive the 12% fall with "
                "{cross_equity}."
            ),
            errata=("E5",),
            concept_ids=("C04", "C06", "C08"),
        ),
        Preset(
            id="W5",
            name="The same account in cross",
            teaches=(
                "Cross margin puts the whole balance behind every position: nothing closes early,"
                " but the loss keeps running into the shared pool."
            ),
            wallet_balance="5000",
            positions=(
                _long("BTCUSDT", "cross", BTC_PRICE, "10000", "10", **ROUND_RATE),
                _long("ETHUSDT", "cross", ETH_PRICE, "2500", "5", **ROUND_RATE),
            ),
            shocks={"BTCUSDT": "-12", "ETHUSDT": "0"},
            seed_claims=(
                "The same two positions under cross margin, all $5,000 backing both: the 12% BTC "
                "fall costs $1,200, which the account absorbs, and nothing is liquidated. Deeper "
                "falls liquidate everything."
            ),
            engine_finds=(
                "Under cross the 12% fall liquidates {cross_liquidated}; equity is "
                "{cross_equity}. With ETH where it was, A's cross liquidation price is "
                "{A_liquidation_price}, {A_distance} below entry, against "
                "{isolated_A_liquidation_price} under isolated."
            ),
            concept_ids=("C05", "C06", "C11"),
        ),
        Preset(
            id="W6",
            name="Where a 10x long is liquidated",
            teaches=(
                "The exchange closes a position at the liquidation price, before the margin is "
                "all gone at the bankruptcy price."
            ),
            wallet_balance="5000",
            positions=(
                _long(
                    "BTCUSDT",
                    "isolated",
                    BTC_PRICE,
                    "10000",
                    "10",
                    **ROUND_RATE,
                ),
            ),
            # No fixed isolated margin: it follows size / leverage (the $1,000 at 10x), so a
            # learner who changes the leverage sees the liquidation price move.
            shocks={"BTCUSDT": "-10"},
            seed_claims=(
                "A 10x BTC long at $65,000 with $1,000 of isolated margin and a 0.5% maintenance "
                "rate is liquidated at approximately $58,465, after a 10% adverse move."
            ),
            engine_finds=(
                "Binance's formula puts liquidation at {A_liquidation_price}, a {A_distance} fall, "
                "not $58,465 and not a full 10%; the simple textbook formula gives $58,825, a "
                "9.5% fall. Compare the exchanges' rules under Exchanges."
            ),
            errata=("E1",),
            concept_ids=("C03", "C06"),
        ),
        Preset(
            id="W7",
            name="Three isolated trades, ETH +12%",
            teaches="One envelope per trade: a rally against the short closes only the short.",
            wallet_balance="10000",
            positions=(
                _long("BTCUSDT", "isolated", BTC_PRICE, "10000", "10", **ROUND_RATE),
                _short("ETHUSDT", "isolated", ETH_PRICE, "5000", "10", **ROUND_RATE),
                _long("SOLUSDT", "isolated", SOL_PRICE, "2000", "5", **ROUND_RATE),
            ),
            shocks={"BTCUSDT": "0", "ETHUSDT": "12", "SOLUSDT": "0"},
            seed_claims=(
                "Three isolated positions: long BTC at $65,000, short ETH at $3,400, long SOL at "
                "$185. An ETH rally liquidates the short, and only its margin is lost."
            ),
            engine_finds=(
                "With a 0.5% maintenance rate B is liquidated at {B_liquidation_price}, "
                "{B_distance} above entry; the account keeps {equity}: only B's "
                "{B_initial_margin} is gone, A and C run on."
            ),
            concept_ids=("C04", "C08"),
        ),
        Preset(
            id="W8",
            name="Mixed modes, BTC -25%",
            teaches=(
                "One isolated bet beside a cross hedge: the bet's loss stays inside its own "
                "envelope."
            ),
            wallet_balance="10000",
            positions=(
                _long("BTCUSDT", "isolated", BTC_PRICE, "15000", "5"),
                _long("ETHUSDT", "cross", ETH_PRICE, "14000", "5"),
                _short("SOLUSDT", "cross", SOL_PRICE, "14000", "5"),
            ),
            shocks={"BTCUSDT": "-25", "ETHUSDT": "-8", "SOLUSDT": "-8"},
            seed_claims=(
                "Mix the modes: about 30% of the capital in an isolated conviction trade, the "
                "other 70% in cross for hedged positions."
            ),
            engine_finds=(
                "A 25% BTC fall liquidates the isolated long ({liquidated}) at a cost of its "
                "{A_initial_margin}; the ether long and solana short in cross offset each other "
                "and the account keeps {equity}. With all three in cross the same day leaves "
                "{cross_equity}."
            ),
            concept_ids=("C13", "C12", "C17"),
        ),
        Preset(
            id="W9",
            name="$1,000 of margin at 10x",
            teaches=(
                "10x on $1,000 of margin is a $10,000 position, and the $1,000 margin is what is "
                "at risk."
            ),
            wallet_balance="10000",
            positions=(_long("BTCUSDT", "isolated", BTC_PRICE, "10000", "10", **ROUND_RATE),),
            shocks={"BTCUSDT": "-15"},
            seed_claims=(
                'In a $10,000 account, "a $1,000 position with 10x leverage" puts only that '
                "$1,000 at risk."
            ),
            engine_finds=(
                "A position at 10x with $1,000 of margin is a $10,000 position; a $1,000 position "
                "at 10x would need only $100. With a 0.5% maintenance rate it is liquidated at "
                "{A_liquidation_price}; after a 15% fall the account keeps {equity}: the $1,000 "
                "margin is all it lost. Change the leverage and the margin follows the size."
            ),
            errata=("E3",),
            concept_ids=("C04", "C02"),
        ),
        Preset(
            id="W10",
            name="Long BTC, short ETH, both -12%",
            teaches="A hedge in cross: the winning leg's profit keeps the losing leg open.",
            wallet_balance="5000",
            positions=(
                _long("BTCUSDT", "cross", BTC_PRICE, "10000", "10", **ROUND_RATE),
                _short("ETHUSDT", "cross", ETH_PRICE, "10000", "10", **ROUND_RATE),
            ),
            shocks={"BTCUSDT": "-12", "ETHUSDT": "-12"},
            seed_claims=(
                "A long BTC / short ETH hedge: when both assets fall together, cross margin "
                "survives where isolated margin liquidates the long."
            ),
            engine_finds=(
                "After both fall 12%: isolated liquidates {isolated_liquidated} and leaves "
                "{isolated_equity}; cross liquidates {cross_liquidated} and leaves {cross_equity}."
            ),
            concept_ids=("C12", "C05", "C17"),
        ),
        # The playbooks module: one $10,000 account, five ways to use it. Not from the source
        # material, so the first sentence states the plan rather than a claim to check.
        Preset(
            id="PB1",
            wallet_balance="10000",
            positions=(
                _long("BTCUSDT", "isolated", BTC_PRICE, "7500", "5", isolated_margin="1500"),
            ),
            shocks={"BTCUSDT": "-25"},
            seed_claims=(
                "One bitcoin long at 5x from $65,000, $7,500 of exposure behind a "
                "$1,500 isolated envelope, 15% of a $10,000 account. If the idea is wrong, the "
                "envelope is the whole bill."
            ),
            engine_finds=(
                "The long is liquidated at {A_liquidation_price}, {A_distance} below entry. After "
                "a 25% fall the account keeps {isolated_equity}; the same trade in cross would "
                "keep {cross_equity}, because nothing stops the loss at the envelope."
            ),
            concept_ids=("C04", "C13", "C17"),
            claim_label="The plan:",
        ),
        Preset(
            id="PB2",
            wallet_balance="10000",
            positions=(
                _long("BTCUSDT", "cross", BTC_PRICE, "10000", "10"),
                _short("ETHUSDT", "cross", ETH_PRICE, "10000", "10"),
            ),
            shocks={"BTCUSDT": "-12", "ETHUSDT": "-12"},
            seed_claims=(
                "Long $10,000 of bitcoin and short $10,000 of ether, both at 10x, in "
                "cross margin on a $10,000 account, so that a fall of the whole market is paid "
                "by one leg to the other."
            ),
            engine_finds=(
                "Both fall 12%: in cross, {cross_liquidated} is liquidated and equity is "
                "{cross_equity}, the hedge intact. Split into isolated envelopes, "
                "{isolated_liquidated} is liquidated and {isolated_equity} is left, with a naked "
                "short behind it."
            ),
            concept_ids=("C12", "C05"),
            claim_label="The plan:",
        ),
        Preset(
            id="PB3",
            wallet_balance="10000",
            positions=(
                _long("SOLUSDT", "isolated", SOL_PRICE, "4000", "2", isolated_margin="2000"),
                _long("BTCUSDT", "cross", BTC_PRICE, "10000", "5"),
                _short("ETHUSDT", "cross", ETH_PRICE, "10000", "5"),
            ),
            shocks={"SOLUSDT": "-55", "BTCUSDT": "-8", "ETHUSDT": "-8"},
            seed_claims=(
                "A speculative solana long in a $2,000 isolated sleeve (20% of the "
                "account), and a bitcoin long against an ether short in cross with the other "
                "$8,000."
            ),
            engine_finds=(
                "Solana falls 55% and the sleeve is liquidated at {A_liquidation_price}: the "
                "account keeps {equity}, the cross pair untouched. Run everything in cross and "
                "the same day leaves {cross_equity}."
            ),
            concept_ids=("C13", "C12"),
            claim_label="The plan:",
        ),
        Preset(
            id="PB4",
            wallet_balance="10000",
            positions=(
                _long("BTCUSDT", "isolated", BTC_PRICE, "15000", "3", isolated_margin="5000"),
            ),
            shocks={"BTCUSDT": "-10"},
            seed_claims=(
                "Hold a 3x bitcoin long of $15,000 with $5,000 of isolated margin for "
                "a month, while longs pay 0.03% funding every eight hours."
            ),
            engine_finds=(
                "At entry the long would be liquidated at {A_liquidation_price}, {A_distance} "
                "below; a 10% dip leaves the account at {equity}. Where funding is taken from the "
                "envelope, this price creeps up over the month: the funding panel below shows it "
                "under Bybit's classic rules."
            ),
            concept_ids=("C28", "C18"),
            extra={"funding_rate": "0.03", "holding_hours": "720"},
            claim_label="The plan:",
        ),
        Preset(
            id="PB5",
            wallet_balance="10000",
            positions=(
                _long("BTCUSDT", "isolated", BTC_PRICE, "2500", "5", isolated_margin="500"),
            ),
            shocks={"BTCUSDT": "-4"},
            seed_claims=(
                "Risk 1% of a $10,000 account on a bitcoin long with a stop 4% below "
                "the $65,000 entry, so the position is $100 / 4% = $2,500, at 5x on $500."
            ),
            engine_finds=(
                "A 4% fall to the stop leaves the account at {equity}, the $100 planned. "
                "Liquidation sits at {A_liquidation_price}, {A_distance} below entry, far "
                "beyond the stop."
            ),
            concept_ids=("C18",),
            claim_label="The plan:",
        ),
    )
}
