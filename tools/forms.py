"""The calculators' forms: they parse and check what the learner typed, nothing more.

Every form is a GET form (the URL is the state, so a result can be shared). Numbers are typed as
text (``inputmode="decimal"``) so that whatever the learner types reaches the server and gets a
message in words, instead of a browser silently dropping it. Errors are shown in a slot beside each
field that htmx can refresh out of band without touching the inputs being typed in.
"""

import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

from core.light_forms import LightForm
from margin import MARKETS, VENUES
from tools.form_rendering import render_fields

# Bounds: generous for any real trade, tight enough that a typo (or 1e999) gets a message, not a
# slow or absurd computation.
MAX_PRICE = Decimal("10000000")
MAX_QUANTITY = Decimal("100000000")
MAX_BALANCE = Decimal("100000000000")
MAX_LEVERAGE = Decimal("200")
MAX_PERCENT = Decimal("100")
MAX_FEE_PERCENT = Decimal("1")
MAX_FUNDING_PERCENT = Decimal("5")
MAX_HOLDING_HOURS = Decimal("87600")  # ten years
MAX_DECIMAL_PLACES = 12

DEFAULT_FEE_PERCENT = Decimal("0.05")  # Binance's and Bybit's base taker fee on USDT perpetuals

MUST_BE_POSITIVE = "Enter a number above zero."
TOO_MANY_DECIMALS = f"Use at most {MAX_DECIMAL_PLACES} decimals."
COMMA_AS_DECIMAL = "Use a dot for decimals (1.5); commas may only group thousands (65,000)."
NEEDS_WALLET_FOR_CROSS = "Cross margin needs the wallet balance that backs the position."
STOP_ON_WRONG_SIDE_LONG = "For a long, the stop-loss must be below the entry price."
STOP_ON_WRONG_SIDE_SHORT = "For a short, the stop-loss must be above the entry price."
REDUCE_MORE_THAN_HELD = "You cannot reduce by more than the position holds."
LEVERAGE_BELOW_ONE = "Leverage starts at 1x."

SIDE_CHOICES = [("long", "Long"), ("short", "Short")]
MARGIN_MODE_CHOICES = [("isolated", "Isolated"), ("cross", "Cross")]
TARGET_KIND_CHOICES = [("roe", "ROE (%)"), ("pnl", "PnL (USDT)")]
ACTION_CHOICES = [("add", "Add to the position"), ("reduce", "Reduce the position")]
FUNDING_INTERVAL_CHOICES = [("1", "Every hour"), ("4", "Every 4 hours"), ("8", "Every 8 hours")]

THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$")


def symbol_choices():
    """USDT-margined perpetuals only: the calculators work in USDT."""
    return [(s, s) for s, market in MARKETS.items() if str(market.kind) == "linear"]


def venue_choices():
    return [(name, venue.label) for name, venue in VENUES.items()]


class AmountField(forms.DecimalField):
    """A decimal number typed as text: '65,000', '65000.5' and ' 1_000 ' all read as numbers."""

    widget = forms.TextInput

    def __init__(self, *, unit: str = "", positive: bool = True, **kwargs):
        self.unit = unit
        super().__init__(**kwargs)  # the bounds (min_value, max_value) keep numbers sane
        self.validators.append(_not_too_precise)
        if positive:
            self.validators.append(_positive)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update(inputmode="decimal", autocomplete="off", spellcheck="false")
        attrs.pop("step", None)
        return attrs

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace(" ", "").replace("_", "").replace("\u00a0", "")
            if "," in value:
                if not THOUSANDS.match(value):
                    raise ValidationError(COMMA_AS_DECIMAL, code="comma")
                value = value.replace(",", "")
        return super().to_python(value)


def _not_too_precise(value: Decimal) -> None:
    exponent = value.as_tuple().exponent  # a letter (n, N, F) only for NaN and infinity
    if isinstance(exponent, int) and exponent < -MAX_DECIMAL_PLACES:
        raise ValidationError(TOO_MANY_DECIMALS, code="too_precise")


def _positive(value: Decimal) -> None:
    if value <= 0:
        raise ValidationError(MUST_BE_POSITIVE, code="not_positive")


def price_field(label="Entry price", **kwargs):
    return AmountField(label=label, unit="USDT", max_value=MAX_PRICE, **kwargs)


def quantity_field(label="Quantity", **kwargs):
    kwargs.setdefault("help_text", "Size in coins (BTC for BTCUSDT).")
    return AmountField(label=label, max_value=MAX_QUANTITY, **kwargs)


def leverage_field(**kwargs):
    return AmountField(
        label="Leverage",
        unit="x",
        positive=False,
        max_value=MAX_LEVERAGE,
        min_value=Decimal(1),
        error_messages={"min_value": LEVERAGE_BELOW_ONE},
        **kwargs,
    )


def balance_field(label="Wallet balance", **kwargs):
    return AmountField(label=label, unit="USDT", max_value=MAX_BALANCE, **kwargs)


def fee_field(**kwargs):
    return AmountField(
        label="Taker fee per fill",
        unit="%",
        positive=False,
        min_value=Decimal(0),
        max_value=MAX_FEE_PERCENT,
        required=False,
        help_text="Charged on the notional of each fill, opening and closing.",
        **kwargs,
    )


class ToolForm(LightForm):
    """Shared by every calculator: fields in a responsive grid, errors beside fields
    (``tools.form_rendering``)."""

    # (legend, field names) for inputs that only matter together or in one case; the rest come
    # first, ungrouped.
    fieldsets: tuple[tuple[str, tuple[str, ...]], ...] = ()

    # Fields placed two per row, in declaration order; radios and checkboxes take a whole row.
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_%s")
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            described_by = [f"id_{name}_errors"]
            if field.help_text:
                described_by.append(f"id_{name}_helptext")
            field.widget.attrs["aria-describedby"] = " ".join(described_by)

    def rendered_fields(self) -> str:
        return render_fields(self, self.fieldsets)

    def add_engine_error(self, error) -> None:
        """Show a MarginError beside the field it names, or above the form if none fits."""
        field = getattr(error, "field", None)
        self.add_error(field if field in self.fields else None, str(error))

    def calculation_inputs(self) -> dict:
        """The cleaned inputs as the calculation's keyword arguments (fees as a fraction)."""
        inputs = dict(self.cleaned_data)
        if isinstance(self, FeesMixin) and "include_fees" in inputs:
            del inputs["include_fees"]
            inputs["fee_rate"] = self.fee_fraction()
        return inputs


class FeesMixin(forms.Form):
    include_fees = forms.BooleanField(label="Include trading fees", required=False)
    fee_rate = fee_field()

    fieldsets: tuple[tuple[str, tuple[str, ...]], ...] = (("Fees", ("include_fees", "fee_rate")),)

    def fee_fraction(self) -> Decimal:
        """The fee rate as a fraction, 0 when fees are off."""
        data = self.cleaned_data
        if not data.get("include_fees"):
            return Decimal(0)
        return (data.get("fee_rate") or DEFAULT_FEE_PERCENT) / 100


class PnlForm(FeesMixin, ToolForm):
    symbol = forms.ChoiceField(choices=symbol_choices)
    side = forms.ChoiceField(choices=SIDE_CHOICES, widget=forms.RadioSelect)
    entry_price = price_field()
    exit_price = price_field("Exit price")
    quantity = quantity_field()
    leverage = leverage_field()

    field_order = ["symbol", "side", "entry_price", "exit_price", "quantity", "leverage"]


class TargetPriceForm(FeesMixin, ToolForm):
    symbol = forms.ChoiceField(choices=symbol_choices)
    side = forms.ChoiceField(choices=SIDE_CHOICES, widget=forms.RadioSelect)
    entry_price = price_field()
    quantity = quantity_field()
    leverage = leverage_field()
    target_kind = forms.ChoiceField(
        label="Target is a", choices=TARGET_KIND_CHOICES, widget=forms.RadioSelect
    )
    target = AmountField(
        label="Target",
        positive=False,
        min_value=-MAX_BALANCE,
        max_value=MAX_BALANCE,
        help_text="ROE in per cent of the initial margin, or PnL in USDT; negative for a loss.",
    )

    field_order = ["symbol", "side", "entry_price", "quantity", "leverage", "target_kind", "target"]


class LiquidationPriceForm(FeesMixin, ToolForm):
    venue = forms.ChoiceField(label="Rule set", choices=venue_choices)
    symbol = forms.ChoiceField(choices=symbol_choices)
    side = forms.ChoiceField(choices=SIDE_CHOICES, widget=forms.RadioSelect)
    margin_mode = forms.ChoiceField(choices=MARGIN_MODE_CHOICES, widget=forms.RadioSelect)
    entry_price = price_field()
    quantity = quantity_field()
    leverage = leverage_field()
    isolated_margin = balance_field(
        "Isolated margin",
        required=False,
        help_text="Empty: the initial margin. More than that is a top-up.",
    )
    wallet_balance = balance_field(
        required=False,
        help_text="The balance that backs this position (in isolated: for comparison).",
    )
    other_maintenance_margin = balance_field(
        "Other positions' maintenance margin",
        required=False,
        positive=False,
        min_value=Decimal(0),
        help_text="What your other cross positions need to stay open.",
    )
    other_unrealized_pnl = AmountField(
        label="Other positions' unrealized PnL",
        unit="USDT",
        positive=False,
        required=False,
        min_value=-MAX_BALANCE,
        max_value=MAX_BALANCE,
        help_text="Their current profit (or loss, negative).",
    )

    mark_price = price_field("Mark price", required=False, help_text="Empty: the entry price.")
    parameters_as_of = forms.DateField(
        label="Parameter date",
        required=False,
        input_formats=["%Y-%m-%d"],
        help_text="The exchange's tiers and rules in force on this day (YYYY-MM-DD); empty: "
        "today's.",
        error_messages={"invalid": "Give the date as YYYY-MM-DD (for example 2024-05-28)."},
    )
    maintenance_margin_rate = AmountField(
        label="Maintenance margin rate",
        unit="%",
        required=False,
        positive=False,
        min_value=Decimal(0),
        max_value=Decimal("99"),
        help_text="Only to override the table: your tier's rate.",
    )
    maintenance_amount = balance_field(
        "Maintenance amount",
        required=False,
        positive=False,
        min_value=Decimal(0),
        help_text="Only to override the table: your tier's amount (cum, deduction).",
    )

    fieldsets = (
        ("Isolated margin only", ("isolated_margin",)),
        (
            "Cross margin only",
            ("wallet_balance", "other_maintenance_margin", "other_unrealized_pnl"),
        ),
        (
            "Overrides",
            ("mark_price", "parameters_as_of", "maintenance_margin_rate", "maintenance_amount"),
        ),
        *FeesMixin.fieldsets,
    )

    def clean(self):
        data = super().clean()
        assert data is not None  # Form.clean returns cleaned_data
        cross = data.get("margin_mode") == "cross"
        if cross and data.get("wallet_balance") is None and "wallet_balance" not in self.errors:
            self.add_error("wallet_balance", NEEDS_WALLET_FOR_CROSS)
        return data


class MaxPositionForm(FeesMixin, ToolForm):
    symbol = forms.ChoiceField(choices=symbol_choices)
    wallet_balance = balance_field(
        "Available balance", help_text="What you can put up as initial margin."
    )
    leverage = leverage_field()
    entry_price = price_field()

    field_order = ["symbol", "wallet_balance", "leverage", "entry_price"]


class AverageEntryForm(ToolForm):
    venue = forms.ChoiceField(label="Rule set", choices=venue_choices)
    symbol = forms.ChoiceField(choices=symbol_choices)
    side = forms.ChoiceField(choices=SIDE_CHOICES, widget=forms.RadioSelect)
    margin_mode = forms.ChoiceField(choices=MARGIN_MODE_CHOICES, widget=forms.RadioSelect)
    entry_price = price_field("Current entry price")
    quantity = quantity_field("Current quantity")
    leverage = leverage_field()
    wallet_balance = balance_field(
        help_text="Backs a cross position; for isolated it only has to cover the margin."
    )
    action = forms.ChoiceField(choices=ACTION_CHOICES, widget=forms.RadioSelect)
    trade_price = price_field("Trade price")
    trade_quantity = quantity_field("Trade quantity", help_text="Coins bought or sold.")

    fieldsets = (("The trade", ("action", "trade_price", "trade_quantity")),)

    def clean(self):
        data = super().clean()
        assert data is not None  # Form.clean returns cleaned_data
        quantity, trade = data.get("quantity"), data.get("trade_quantity")
        if data.get("action") == "reduce" and quantity and trade and trade > quantity:
            self.add_error("trade_quantity", REDUCE_MORE_THAN_HELD)
        return data


class FundingCostForm(ToolForm):
    venue = forms.ChoiceField(label="Rule set", choices=venue_choices)
    symbol = forms.ChoiceField(choices=symbol_choices)
    side = forms.ChoiceField(choices=SIDE_CHOICES, widget=forms.RadioSelect)
    entry_price = price_field(help_text="The mark price is assumed to stay here.")
    quantity = quantity_field()
    leverage = leverage_field()
    funding_rate = AmountField(
        label="Funding rate per interval",
        unit="%",
        positive=False,
        min_value=-MAX_FUNDING_PERCENT,
        max_value=MAX_FUNDING_PERCENT,
        help_text="Positive: longs pay shorts. 0.01% is the usual baseline.",
    )
    funding_interval_hours = forms.TypedChoiceField(
        label="Funding interval", choices=FUNDING_INTERVAL_CHOICES, coerce=int
    )
    holding_hours = AmountField(label="Holding period", unit="hours", max_value=MAX_HOLDING_HOURS)

    fieldsets = (("Funding", ("funding_rate", "funding_interval_hours", "holding_hours")),)

    def calculation_inputs(self) -> dict:
        inputs = super().calculation_inputs()
        inputs["funding_rate"] = inputs["funding_rate"] / 100
        return inputs


class PositionSizeForm(FeesMixin, ToolForm):
    venue = forms.ChoiceField(label="Rule set", choices=venue_choices)
    symbol = forms.ChoiceField(choices=symbol_choices)
    side = forms.ChoiceField(choices=SIDE_CHOICES, widget=forms.RadioSelect)
    margin_mode = forms.ChoiceField(choices=MARGIN_MODE_CHOICES, widget=forms.RadioSelect)
    wallet_balance = balance_field("Account balance")
    risk_percent = AmountField(
        label="Risk per trade",
        unit="%",
        max_value=MAX_PERCENT,
        help_text="The share of the balance you accept to lose if the stop is hit.",
    )
    entry_price = price_field()
    stop_price = price_field("Stop-loss price")
    leverage = leverage_field()

    field_order = [
        "venue",
        "symbol",
        "side",
        "margin_mode",
        "wallet_balance",
        "risk_percent",
        "entry_price",
        "stop_price",
        "leverage",
    ]

    def calculation_inputs(self) -> dict:
        inputs = super().calculation_inputs()
        inputs["risk_fraction"] = inputs.pop("risk_percent") / 100
        return inputs

    def clean(self):
        data = super().clean()
        assert data is not None  # Form.clean returns cleaned_data
        entry, stop, side = data.get("entry_price"), data.get("stop_price"), data.get("side")
        if entry is not None and stop is not None:
            if side == "long" and stop >= entry:
                self.add_error("stop_price", STOP_ON_WRONG_SIDE_LONG)
            elif side == "short" and stop <= entry:
                self.add_error("stop_price", STOP_ON_WRONG_SIDE_SHORT)
        return data


class MatchMyExchangeForm(FeesMixin, ToolForm):
    """A real position as the exchange shows it, and the liquidation price it displays."""

    venue = forms.ChoiceField(label="Exchange", choices=venue_choices)
    symbol = forms.ChoiceField(choices=symbol_choices)
    side = forms.ChoiceField(choices=SIDE_CHOICES, widget=forms.RadioSelect)
    margin_mode = forms.ChoiceField(choices=MARGIN_MODE_CHOICES, widget=forms.RadioSelect)
    entry_price = price_field()
    quantity = quantity_field()
    leverage = leverage_field()
    shown_liquidation_price = price_field(
        "Liquidation price your exchange shows",
        help_text="Copy it from the position's row on the exchange.",
    )
    isolated_margin = balance_field(
        "Isolated margin",
        required=False,
        help_text="The margin the exchange shows for the position now; empty: the initial margin.",
    )
    wallet_balance = balance_field(
        required=False, help_text="Cross: the wallet balance that backs the position."
    )
    mark_price = price_field("Mark price", required=False, help_text="Empty: the entry price.")
    tick = AmountField(
        label="Price tick",
        unit="USDT",
        required=False,
        max_value=MAX_PRICE,
        help_text="The exchange's price step (0.1 on BTCUSDT at Binance). Empty: 0.01.",
    )
    parameters_as_of = forms.DateField(
        label="Parameter date",
        required=False,
        input_formats=["%Y-%m-%d"],
        help_text="The exchange's tiers and rules in force on this day (YYYY-MM-DD); empty: "
        "today's.",
        error_messages={"invalid": "Give the date as YYYY-MM-DD (for example 2024-05-28)."},
    )
    maintenance_margin_rate = AmountField(
        label="Maintenance margin rate",
        unit="%",
        required=False,
        positive=False,
        min_value=Decimal(0),
        max_value=Decimal("99"),
        help_text="Only to override the table: your tier's rate as the exchange shows it.",
    )
    maintenance_amount = balance_field(
        "Maintenance amount",
        required=False,
        positive=False,
        min_value=Decimal(0),
        help_text="Only to override the table: your tier's amount (cum, deduction).",
    )

    field_order = [
        "venue",
        "symbol",
        "side",
        "margin_mode",
        "entry_price",
        "quantity",
        "leverage",
        "shown_liquidation_price",
    ]
    fieldsets = (
        ("What the exchange shows", ("isolated_margin", "wallet_balance", "mark_price", "tick")),
        (
            "Overrides",
            ("parameters_as_of", "maintenance_margin_rate", "maintenance_amount"),
        ),
        *FeesMixin.fieldsets,
    )

    def clean(self):
        data = super().clean()
        assert data is not None  # Form.clean returns cleaned_data
        cross = data.get("margin_mode") == "cross"
        if cross and data.get("wallet_balance") is None and "wallet_balance" not in self.errors:
            self.add_error("wallet_balance", NEEDS_WALLET_FOR_CROSS)
        return data
