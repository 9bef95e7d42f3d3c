"""The simulator's setup: account, up to eight positions, and per-symbol price shocks.

Everything a learner can set travels as plain form fields, so one dict describes a setup whether it
came from a POST, a shared URL's query string or a preset. ``Setup`` bundles the three forms, turns
valid input into the engine's ``AccountSpec`` and writes the canonical query string that
``HX-Push-Url`` puts in the address bar.

Percentages are typed as per cent (0.5 means 0.5%) and handed to the engine as fractions.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import cast
from urllib.parse import urlencode

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.safestring import SafeString

from core.light_forms import LightForm
from core.links import FORMSET_PREFIX, SHOCK_PREFIX
from margin import MARKETS, VENUES, AccountSpec, MarginError, PositionSpec
from margin.errors import BAD_DATE
from tools.form_rendering import compact_field, compact_fields, hidden_inputs

MAX_POSITIONS = 8
POSITION_IDS = "ABCDEFGH"


HUNDRED = Decimal(100)

# Bounds that keep every input finite and meaningful; the engine applies the exchanges' own rules
# (bracket leverage caps, initial margin) on top and its messages name them.
MAX_MONEY = Decimal("1e12")
MAX_PRICE = Decimal("1e9")
MAX_LEVERAGE_INPUT = Decimal("1000")
SHOCK_MIN = Decimal("-99")
SHOCK_MAX = Decimal("1000")
SLIDER_MIN = -50
SLIDER_MAX = 50

MUST_BE_POSITIVE = "Enter an amount greater than zero."
TOO_LARGE = "This is larger than any exchange would accept; enter a smaller number."
TOO_MANY_POSITIONS = f"The simulator holds at most {MAX_POSITIONS} positions."
NO_POSITIONS = "Add at least one position."
BROKEN_FORM = "The position list was incomplete; it has been reset to one position."
COLLATERALS = ("USDT", "BTC", "ETH")
EMPTY_SHOCK = "Enter the price move in per cent, such as -12 (0 for no move)."


class DecimalField(forms.DecimalField):
    """Django's DecimalField, refusing NaN and infinities while parsing: Django refuses them only
    when validating, after a formset has compared them with the initial value, and comparing
    Decimal("sNaN") raises (a 500 on `pos-0-leverage=sNaN`)."""

    def to_python(self, value):
        number = super().to_python(value)
        if number is not None and not number.is_finite():
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return number


def _positive(value):
    if value is not None and value <= 0:
        raise forms.ValidationError(MUST_BE_POSITIVE, code="not_positive")


def money_field(label: str, *, required: bool = True, help_text: str = "", maximum=MAX_MONEY):
    return DecimalField(
        label=label,
        required=required,
        help_text=help_text,
        validators=[_positive, MaxValueValidator(maximum, message=TOO_LARGE)],
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )


def percent_field(label: str, *, minimum, maximum, help_text: str = "", initial=None):
    return DecimalField(
        label=label,
        required=False,
        initial=initial,
        help_text=help_text,
        validators=[
            MinValueValidator(minimum, message=f"Enter at least {minimum}%%."),
            MaxValueValidator(maximum, message=f"Enter at most {maximum}%%."),
        ],
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )


def symbol_choices():
    return [
        (symbol, symbol if market.quote == "USDT" else f"{symbol} (coin-margined)")
        for symbol, market in MARKETS.items()
    ]


class AccountForm(LightForm):
    wallet_balance = money_field(
        "Wallet balance", help_text="All the collateral in the account, free or assigned."
    )
    collateral = forms.ChoiceField(
        label="Collateral currency",
        choices=[(c, c) for c in COLLATERALS],
        initial="USDT",
        help_text="USDT for USDT-margined contracts; a coin for coin-margined ones.",
    )
    venue = forms.ChoiceField(
        label="Exchange rules",
        choices=[(name, venue.label) for name, venue in VENUES.items()],
        initial="binance",
    )
    taker_fee_rate = percent_field(
        "Taker fee (%)",
        minimum=Decimal(0),
        maximum=Decimal(5),
        initial=Decimal("0.05"),
        help_text="Paid on opening and closing; 0.05 means 0.05%.",
    )
    funding_rate = percent_field(
        "Funding rate (% per 8 h)",
        minimum=Decimal(-5),
        maximum=Decimal(5),
        initial=Decimal("0.01"),
        help_text="Positive: longs pay shorts.",
    )
    holding_hours = forms.IntegerField(
        label="Holding period (hours)",
        required=False,
        initial=72,
        min_value=0,
        max_value=24 * 365,
    )
    parameters_as_of = forms.DateField(
        label="Exchange parameters as of",
        required=False,
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="The exchange's tiers and rules in force on this day; empty: today's.",
        error_messages={"invalid": BAD_DATE},
    )
    preset = forms.CharField(required=False, widget=forms.HiddenInput, max_length=8)
    predict = forms.BooleanField(
        label="Let me predict before I see the answers",
        required=False,
    )

    # The fields are written by tools.form_rendering (the compact layout), not by crispy-forms.
    def account_fields(self) -> SafeString:
        """Wallet and collateral side by side, then the hidden preset name."""
        row = compact_fields(self, (("wallet_balance", "col-sm-6"), ("collateral", "col-sm-6")))
        return row + compact_field(self["preset"])

    def rules_fields(self) -> SafeString:
        """The exchange, fees, funding and parameter date (the collapsed rules section)."""
        return compact_fields(
            self,
            (
                ("venue", "col-sm-6 col-lg-12"),
                ("taker_fee_rate", "col-sm-6"),
                ("funding_rate", "col-sm-6"),
                ("holding_hours", "col-sm-6"),
                ("parameters_as_of", "col-sm-6"),
            ),
        )


class PositionForm(LightForm):
    symbol = forms.ChoiceField(label="Symbol", choices=symbol_choices)
    side = forms.ChoiceField(
        label="Side", choices=[("long", "Long"), ("short", "Short")], initial="long"
    )
    margin_mode = forms.ChoiceField(
        label="Margin mode",
        choices=[("isolated", "Isolated"), ("cross", "Cross")],
        initial="isolated",
    )
    entry_price = money_field("Entry price", required=False, maximum=MAX_PRICE)
    size_by = forms.ChoiceField(
        label="Size is",
        choices=[("notional", "Notional"), ("margin", "Margin × leverage")],
        initial="notional",
    )
    size = money_field("Size")
    leverage = DecimalField(
        label="Leverage (x)",
        initial=Decimal(10),
        validators=[
            MinValueValidator(Decimal(1), message="Leverage is at least 1x."),
            MaxValueValidator(MAX_LEVERAGE_INPUT, message=TOO_LARGE),
        ],
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
    isolated_margin = money_field("Isolated margin", required=False)
    maintenance_margin_rate = percent_field(
        "Maint. rate (%)", minimum=Decimal(0), maximum=Decimal(50)
    )
    maintenance_amount = DecimalField(
        label="Maint. amount",
        required=False,
        validators=[
            MinValueValidator(Decimal(0), message="Enter 0 or more."),
            MaxValueValidator(MAX_MONEY, message=TOO_LARGE),
        ],
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
    mark_price = money_field("Mark price", required=False, maximum=MAX_PRICE)

    # Placeholders say what an empty box means; the help section below the form explains more.
    PLACEHOLDERS = {
        "entry_price": "market price",
        "isolated_margin": "initial margin",
        "maintenance_margin_rate": "bracket",
        "maintenance_amount": "bracket",
        "mark_price": "entry price",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, text in self.PLACEHOLDERS.items():
            self.fields[name].widget.attrs["placeholder"] = text

    def row_fields(self) -> SafeString:
        """Every field of the row, three to a line (two on a phone)."""
        return compact_fields(
            self, tuple((name, "col-6 col-sm-4") for name in self.base_fields), row_class="g-2"
        )

    @property
    def position_id(self) -> str:
        return POSITION_IDS[self.index] if self.index < len(POSITION_IDS) else str(self.index)

    @property
    def index(self) -> int:
        return int(self.prefix.rsplit("-", 1)[-1]) if self.prefix else 0


class BasePositionFormSet(forms.BaseFormSet):
    def _construct_form(self, i, **kwargs):
        # Django's own hook for building each row; django-stubs leaves private methods out.
        form = super()._construct_form(i, **kwargs)  # type: ignore[misc]
        form.empty_permitted = False  # every row shown is a position: validate it
        form.use_required_attribute = False
        return form

    def clean(self):
        if any(self.errors):
            return
        if not any(form.cleaned_data for form in self.forms):
            raise forms.ValidationError(NO_POSITIONS)


PositionFormSet = forms.formset_factory(
    PositionForm,
    formset=BasePositionFormSet,
    extra=0,
    min_num=1,
    validate_min=True,
    max_num=MAX_POSITIONS,
    validate_max=True,
    absolute_max=MAX_POSITIONS,
)


class ShockForm(LightForm):
    """One per-cent shock per symbol held, typed in a number box or dragged on a slider.

    Both controls are submitted. With JavaScript they mirror each other; without it the learner
    changes one of them, and the hidden ``<symbol>_was`` field (the value last rendered) tells
    which: the control that differs from it wins.
    """

    def __init__(self, *args, symbols: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.symbols = symbols
        for symbol in symbols:
            self.fields[symbol] = percent_field(
                f"{MARKETS[symbol].base} price move (%)",
                minimum=SHOCK_MIN,
                maximum=SHOCK_MAX,
                initial=Decimal(0),
            )
            self.fields[symbol].error_messages["invalid"] = EMPTY_SHOCK
            self.fields[f"{symbol}_slider"] = DecimalField(required=False, widget=forms.HiddenInput)
            self.fields[f"{symbol}_was"] = DecimalField(required=False, widget=forms.HiddenInput)

    def clean(self):
        cleaned = super().clean()
        assert cleaned is not None  # Form.clean returns cleaned_data
        for symbol in self.symbols:
            number = cleaned.get(symbol)
            slider = cleaned.get(f"{symbol}_slider")
            was = cleaned.get(f"{symbol}_was")
            if symbol in self.errors:
                continue
            if number is None and self._sent_empty(symbol):
                # An emptied box, or letters (a number box sends them as ""), is a typo, not 0%.
                self.add_error(symbol, EMPTY_SHOCK)
                continue
            if number is None:
                number = Decimal(0)  # a symbol the setup did not shock yet (a row just added)
            if number == was and slider is not None and slider != was:
                number = slider
            cleaned[symbol] = number
        return cleaned

    def _sent_empty(self, symbol: str) -> bool:
        name = self.add_prefix(symbol)
        return self.is_bound and name in self.data and not str(self.data[name]).strip()

    def percents(self) -> dict[str, Decimal]:
        return {symbol: self.cleaned_data.get(symbol) or Decimal(0) for symbol in self.symbols}

    def controls(self):
        """(symbol, number field, current value) for the template's slider + number pairs."""
        values = self.cleaned_data if self.is_bound and hasattr(self, "cleaned_data") else {}
        for symbol in self.symbols:
            value = values.get(symbol)
            if value is None:
                raw = self[symbol].value()
                errored = self.is_bound and symbol in self.errors
                value = raw if raw not in (None, "") or errored else "0"
                value = value or ""
            yield {
                "symbol": symbol,
                "base": MARKETS[symbol].base,
                "field": self[symbol],
                "value": value,
                "slider_value": _clamp_slider(value),
                "slider_name": self.add_prefix(f"{symbol}_slider"),
                "was_name": self.add_prefix(f"{symbol}_was"),
            }


def _clamp_slider(value) -> str:
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        return "0"
    if not number.is_finite():
        return "0"
    return str(min(max(number, Decimal(SLIDER_MIN)), Decimal(SLIDER_MAX)))


def _as_fraction(percent: Decimal | None) -> Decimal | None:
    return None if percent is None else percent / HUNDRED


class Setup:
    """The whole simulator form: account, positions and shocks, bound to one dict of data."""

    def __init__(self, data=None):
        self.data = data
        self.account_form = AccountForm(data)
        self.formset = PositionFormSet(data, prefix=FORMSET_PREFIX)
        if data is not None and not self.formset.management_form.is_valid():
            # A hand-edited URL without the management fields: start again from one position.
            self.broken = True
            self.formset = PositionFormSet(prefix=FORMSET_PREFIX)
        else:
            self.broken = False
        self.shock_form = ShockForm(data, symbols=self.symbols(), prefix=SHOCK_PREFIX)
        self.engine_errors: list[str] = []

    @classmethod
    def from_rows(cls, account_data, rows: list[dict], shocks: dict[str, str] | None = None):
        """An unbound setup showing ``rows`` (raw field values), e.g. after adding or removing one.

        Unbound so that half-typed rows are shown as typed, without error messages yet.
        """
        setup = cls.__new__(cls)
        setup.data = None
        setup.broken = False
        setup.engine_errors = []
        setup.account_form = AccountForm(initial=account_data)
        setup.formset = PositionFormSet(prefix=FORMSET_PREFIX, initial=rows)
        symbols = _unique(row.get("symbol") for row in rows)
        setup.shock_form = ShockForm(
            initial={symbol: (shocks or {}).get(symbol, "0") for symbol in symbols},
            symbols=symbols,
            prefix=SHOCK_PREFIX,
        )
        return setup

    # --- reading raw data -------------------------------------------------------------------

    def raw_rows(self) -> list[dict[str, str]]:
        """Each position row's raw values, as typed (for re-rendering after add/remove)."""
        rows = []
        for form in self.formset.forms:
            rows.append({name: form[name].value() or "" for name in PositionForm.base_fields})
        return rows

    def raw_account(self) -> dict[str, str]:
        return {name: self.account_form[name].value() for name in AccountForm.base_fields}

    def raw_shocks(self) -> dict[str, str]:
        return {s: str(self.shock_form[s].value() or "0") for s in self.shock_form.symbols}

    def symbols(self) -> list[str]:
        """The symbols held, in row order; shock controls exist for exactly these."""
        return _unique(form["symbol"].value() for form in self.formset.forms)

    def submitted_shock_symbols(self) -> set[str]:
        if self.data is None:
            return set()
        prefix = f"{SHOCK_PREFIX}-"
        return {
            key[len(prefix) :]
            for key in self.data
            if key.startswith(prefix) and not key.endswith(("_slider", "_was"))
        }

    def management_inputs(self) -> SafeString:
        """The formset's management form (the row count the next request binds with)."""
        return hidden_inputs(self.formset.management_form)

    # --- validation -------------------------------------------------------------------------

    def is_valid(self) -> bool:
        forms_valid = [
            self.account_form.is_valid(),
            self.formset.is_valid(),
            self.shock_form.is_valid(),
        ]
        return self.data is not None and not self.broken and all(forms_valid)

    def add_engine_error(self, error: MarginError) -> None:
        """Put an engine rule's message beside the input it is about, or above the form."""
        field = ENGINE_FIELDS.get(error.field or "", error.field)
        if error.position_id:
            for form in self.formset.forms:
                if form.position_id == error.position_id:
                    form.add_error(field if field in form.fields else None, error.message)
                    return
        if field in self.account_form.fields:
            self.account_form.add_error(field, error.message)
            return
        self.engine_errors.append(error.message)

    def field_errors(self) -> list[dict]:
        """Every field message, with the input's id, for the slots beside the fields."""
        errors = []
        for form in [self.account_form, *self.formset.forms, self.shock_form]:
            for name, messages in form.errors.items():
                if name == "__all__":
                    continue
                bound = form[name]
                errors.append(
                    {
                        "id": bound.auto_id,
                        "label": _field_label(form, bound),
                        "message": messages[0],
                    }
                )
        return errors

    def form_errors(self) -> list[str]:
        """Messages that belong to no single field."""
        messages = list(self.engine_errors)
        if self.broken:
            messages.append(BROKEN_FORM)
        messages += [_formset_message(str(m)) for m in self.formset.non_form_errors()]
        for form in self.formset.forms:
            messages += [f"Position {form.position_id}: {m}" for m in form.non_field_errors()]
        messages += [str(m) for m in self.account_form.non_field_errors()]
        return messages

    # --- to the engine ----------------------------------------------------------------------

    @property
    def venue(self) -> str:
        return self.account_form.cleaned_data["venue"]

    def position_specs(self) -> tuple[PositionSpec, ...]:
        specs = []
        for form in self.formset.forms:
            data = form.cleaned_data
            market = MARKETS[data["symbol"]]
            entry_price = data["entry_price"] or market.default_price
            leverage = data["leverage"]
            notional = data["size"] * leverage if data["size_by"] == "margin" else data["size"]
            specs.append(
                position_spec(
                    position_id=form.position_id,
                    symbol=data["symbol"],
                    side=data["side"],
                    margin_mode=data["margin_mode"],
                    entry_price=entry_price,
                    notional=notional,
                    leverage=leverage,
                    isolated_margin=data["isolated_margin"],
                    maintenance_margin_rate=_as_fraction(data["maintenance_margin_rate"]),
                    maintenance_amount=data.get("maintenance_amount"),
                    mark_price=data.get("mark_price"),
                )
            )
        return tuple(specs)

    def account_spec(self) -> AccountSpec:
        data = self.account_form.cleaned_data
        return AccountSpec(
            wallet_balance=data["wallet_balance"],
            collateral=data["collateral"],
            positions=self.position_specs(),
            taker_fee_rate=_as_fraction(data["taker_fee_rate"]) or Decimal(0),
            funding_rate=_as_fraction(data["funding_rate"]) or Decimal(0),
            parameters_as_of=data.get("parameters_as_of"),
        )

    def shocks(self) -> dict[str, Decimal]:
        """Per-symbol shocks as fractions (the engine's unit)."""
        return {s: p / HUNDRED for s, p in self.shock_form.percents().items()}

    def market_prices_json(self) -> str:
        """Each market's default price, for the script that pre-fills a row's entry price."""
        return json.dumps({symbol: str(m.default_price) for symbol, m in MARKETS.items()})

    def shock_percents(self) -> dict[str, Decimal]:
        return self.shock_form.percents()

    # --- to the address bar -----------------------------------------------------------------

    def query_string(self) -> str:
        """The setup as a canonical query string: only meaningful, non-empty fields. Built once
        per setup: the page asks for it several times (share link, pushed URL, preset check)."""
        if getattr(self, "_query_string", None) is None:
            self._query_string = self._build_query_string()
        return self._query_string

    def _build_query_string(self) -> str:
        params: list[tuple[str, str]] = []
        for name in AccountForm.base_fields:
            value = self.account_form[name].value()
            if value not in (None, "", False):
                params.append((name, "1" if value is True else str(value)))
        rows = self.formset.forms
        params += [
            (f"{FORMSET_PREFIX}-TOTAL_FORMS", str(len(rows))),
            (f"{FORMSET_PREFIX}-INITIAL_FORMS", "0"),
        ]
        for form in rows:
            for name in PositionForm.base_fields:
                value = form[name].value()
                if value not in (None, ""):
                    params.append((form.add_prefix(name), str(value)))
        shock_values = (
            self.shock_form.cleaned_data
            if self.shock_form.is_bound and self.shock_form.is_valid()
            else {}
        )
        for symbol in self.shock_form.symbols:
            value = shock_values.get(symbol, self.shock_form[symbol].value())
            if value not in (None, ""):
                params.append((self.shock_form.add_prefix(symbol), _plain(value)))
        return urlencode(params)


# The engine names inputs in its own words; a few map onto differently named form fields.
ENGINE_FIELDS = {
    "quantity": "size",
    "notional": "size",
    "contracts": "size",
    "max_leverage": "leverage",
}


def position_spec(
    *,
    position_id,
    symbol,
    side,
    margin_mode,
    entry_price,
    notional,
    leverage,
    isolated_margin,
    maintenance_margin_rate,
    maintenance_amount=None,
    mark_price=None,
) -> PositionSpec:
    """A ``PositionSpec`` from the form's words (size as a notional in the quote currency)."""
    return PositionSpec.from_notional(
        id=position_id,
        symbol=symbol,
        side=side,
        margin_mode=margin_mode,
        entry_price=entry_price,
        notional=notional,
        leverage=leverage,
        isolated_margin=isolated_margin,
        maintenance_margin_rate=maintenance_margin_rate,
        maintenance_amount=maintenance_amount,
        mark_price=mark_price,
    )


def _plain(value) -> str:
    text = str(value)
    if "." in text and "e" not in text.lower():
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def _unique(values) -> list[str]:
    seen: list[str] = []
    for value in values:
        if value in MARKETS and value not in seen:
            seen.append(value)
    return seen


def _field_label(form, bound) -> str:
    if isinstance(form, PositionForm):
        return f"Position {form.position_id}: {bound.label}"
    return str(bound.label)


def _formset_message(message: str) -> str:
    if "at most" in message or "fewer" in message:
        return TOO_MANY_POSITIONS
    if "at least" in message or "more" in message:
        return NO_POSITIONS
    return message


def next_row(rows: list[dict]) -> dict[str, str]:
    """Initial values of an added row: the first market not held yet, a plain 10x long."""
    held = {row.get("symbol") for row in rows}
    symbol = next((s for s in MARKETS if s not in held and s.endswith("USDT")), "BTCUSDT")
    return {
        "symbol": symbol,
        "side": "long",
        "margin_mode": rows[-1].get("margin_mode", "isolated") if rows else "isolated",
        "entry_price": str(MARKETS[symbol].default_price),
        "size_by": "notional",
        "size": "1000",
        "leverage": "10",
        "isolated_margin": "",
        "maintenance_margin_rate": "",
    }


class PredictionForm(forms.Form):
    """The learner's guess before the reveal (predict-then-reveal mode)."""

    predicted_price = DecimalField(
        required=False,
        validators=[_positive, MaxValueValidator(MAX_PRICE, message=TOO_LARGE)],
    )
    predicted_survivor = forms.ChoiceField(
        choices=[(c, c) for c in ("isolated", "cross", "both", "neither")],
        error_messages={"required": "Pick the mode you think keeps every position open."},
    )


class ReplayForm(LightForm):
    event = forms.ChoiceField(label="Market event", choices=[])

    def __init__(self, *args, **kwargs):
        from simulator.scenarios import EVENTS

        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["event"]).choices = [
            (e.id, e.title) for e in EVENTS.values()
        ]


class MonteCarloForm(LightForm):
    volatility = DecimalField(
        label="Volatility (% a year)",
        initial=Decimal(60),
        validators=[
            MinValueValidator(Decimal(1), message="Enter at least 1%%."),
            MaxValueValidator(Decimal(500), message="Enter at most 500%%."),
        ],
    )
    correlation = DecimalField(
        label="Correlation between markets",
        initial=Decimal("0.7"),
        validators=[
            MinValueValidator(Decimal(-1), message="Enter at least -1."),
            MaxValueValidator(Decimal(1), message="Enter at most 1."),
        ],
    )
    horizon_hours = forms.IntegerField(
        label="Horizon (hours)", initial=24, min_value=1, max_value=24 * 30
    )
    paths = forms.IntegerField(label="Paths", initial=2000, min_value=100, max_value=20000)
