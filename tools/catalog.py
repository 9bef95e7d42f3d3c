"""The calculators on offer: slug (its URL), title, form, calculation, example and help."""

from collections.abc import Callable
from dataclasses import dataclass

from tools import calculators
from tools import forms as tool_forms
from tools.results import ToolResult


@dataclass(frozen=True)
class Tool:
    slug: str
    title: str
    summary: str
    form_class: type[tool_forms.ToolForm]
    calculation: Callable[..., ToolResult]
    example: dict[str, str]  # the inputs a first visit shows, already worked out
    how_to: str
    concept_ids: tuple[str, ...] = ()

    @property
    def url_name(self) -> str:
        return f"tools:{self.slug}"

    def calculate(self, form) -> ToolResult:
        return self.calculation(**form.calculation_inputs())


FEES_ON = {"include_fees": "on", "fee_rate": "0.05"}

TOOLS: dict[str, Tool] = {
    tool.slug: tool
    for tool in (
        Tool(
            slug="pnl",
            title="PnL and ROE",
            summary="What a trade makes or loses between entry and exit, on your margin, "
            "with or without fees.",
            form_class=tool_forms.PnlForm,
            calculation=calculators.pnl,
            example={
                "symbol": "BTCUSDT",
                "side": "long",
                "entry_price": "60000",
                "exit_price": "63000",
                "quantity": "0.5",
                "leverage": "10",
                **FEES_ON,
            },
            how_to="Type the entry and exit prices, the size in coins and the leverage. ROE is "
            "the PnL as a share of the initial margin: leverage multiplies it, not the PnL.",
            concept_ids=("C01", "C02", "C19"),
        ),
        Tool(
            slug="target-price",
            title="Target price",
            summary="The exit price that gives the ROE or PnL you want, fees included.",
            form_class=tool_forms.TargetPriceForm,
            calculation=calculators.target_price,
            example={
                "symbol": "BTCUSDT",
                "side": "long",
                "entry_price": "60000",
                "quantity": "0.5",
                "leverage": "10",
                "target_kind": "roe",
                "target": "50",
            },
            how_to="Choose ROE (per cent of the margin) or PnL (USDT) and type the target; a "
            "negative target gives the price of a stop-loss that loses that much.",
            concept_ids=("C01", "C02"),
        ),
        Tool(
            slug="liquidation-price",
            title="Liquidation price",
            summary="Where one position is liquidated, in isolated or cross margin, under each "
            "exchange's rules, with the bankruptcy price and the distance.",
            form_class=tool_forms.LiquidationPriceForm,
            calculation=calculators.liquidation_price,
            example={
                "venue": "binance",
                "symbol": "BTCUSDT",
                "side": "long",
                "margin_mode": "isolated",
                "entry_price": "60000",
                "quantity": "1",
                "leverage": "10",
                "wallet_balance": "10000",
            },
            how_to="Isolated: the position's own margin backs it (add a top-up in Isolated "
            "margin). Cross: the wallet backs it; if other cross positions share the wallet, "
            "give their maintenance margin and unrealized PnL. Switch the rule set to see how "
            "the exchanges differ.",
            concept_ids=("C03", "C04", "C05", "C06", "C09"),
        ),
        Tool(
            slug="max-position",
            title="Max position size",
            summary="The largest position a balance can open at a leverage, once the bracket "
            "table caps leverage for large notionals.",
            form_class=tool_forms.MaxPositionForm,
            calculation=calculators.max_position,
            example={
                "symbol": "BTCUSDT",
                "wallet_balance": "10000",
                "leverage": "100",
                "entry_price": "60000",
            },
            how_to="Type the balance you can commit, the leverage and the price. The table below "
            "the result shows the brackets: the row in bold is the one your position ends in.",
            concept_ids=("C02", "C03"),
        ),
        Tool(
            slug="average-entry",
            title="Average entry",
            summary="Adding to or reducing a position: the new entry price, size, margin and "
            "liquidation price.",
            form_class=tool_forms.AverageEntryForm,
            calculation=calculators.average_entry,
            example={
                "venue": "binance",
                "symbol": "BTCUSDT",
                "side": "long",
                "margin_mode": "isolated",
                "entry_price": "60000",
                "quantity": "1",
                "leverage": "10",
                "wallet_balance": "20000",
                "action": "add",
                "trade_price": "55000",
                "trade_quantity": "1",
            },
            how_to="Describe the position you hold, then the trade: a buy adds to a long (a sell "
            "to a short), the opposite reduces it. Both columns are evaluated at the trade price.",
            concept_ids=("C04", "C05", "C06"),
        ),
        Tool(
            slug="funding-cost",
            title="Funding cost",
            summary="What holding a perpetual costs (or pays) in funding, and how paying it from "
            "an isolated margin moves the liquidation price.",
            form_class=tool_forms.FundingCostForm,
            calculation=calculators.funding_cost,
            example={
                "venue": "binance",
                "symbol": "BTCUSDT",
                "side": "long",
                "entry_price": "60000",
                "quantity": "1",
                "leverage": "10",
                "funding_rate": "0.01",
                "funding_interval_hours": "8",
                "holding_hours": "720",
            },
            how_to="A positive rate means longs pay shorts at every funding time; a negative rate "
            "the reverse. The price is held at the entry, so only funding moves the margin.",
            concept_ids=("C01", "C18"),
        ),
        Tool(
            slug="position-size",
            title="Position size from risk",
            summary="The size that loses exactly your chosen share of the balance at the "
            "stop-loss, and whether liquidation comes first.",
            form_class=tool_forms.PositionSizeForm,
            calculation=calculators.position_size,
            example={
                "venue": "binance",
                "symbol": "BTCUSDT",
                "side": "long",
                "margin_mode": "isolated",
                "wallet_balance": "10000",
                "risk_percent": "1",
                "entry_price": "60000",
                "stop_price": "57000",
                "leverage": "10",
            },
            how_to="Type the balance, the share you accept to lose, entry and stop. The size comes "
            "from risk and stop alone; leverage only sets the margin and the liquidation price, "
            "which must stay beyond your stop.",
            concept_ids=("C18", "C06"),
        ),
        Tool(
            slug="match-my-exchange",
            title="Match my exchange",
            summary="Enter a real position and the liquidation price your exchange shows: we "
            "reproduce it and name each step that differs, with what to check.",
            form_class=tool_forms.MatchMyExchangeForm,
            calculation=calculators.match_my_exchange,
            example={
                "venue": "binance",
                "symbol": "BTCUSDT",
                "side": "long",
                "margin_mode": "isolated",
                "entry_price": "60000",
                "quantity": "11",
                "leverage": "10",
                "shown_liquidation_price": "54266.79",
            },
            how_to="Copy the position from your exchange: entry, size, leverage, the margin it "
            "shows now and its liquidation price. If ours differs, the table names the usual "
            "causes (an older tier table, the maintenance amount, fees, mark or entry price, "
            "funding, rounding to the tick) and which of them explains the gap.",
            concept_ids=("C03", "C04", "C05"),
        ),
    )
}
