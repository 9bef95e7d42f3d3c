"""The simulator's setup: account, up to eight positions, and per-symbol price shocks.

Everything a learner can set travels as plain form fields, so one dict describes a setup whether it
came from a POST, a shared URL's query string or a preset. ``Setup`` bundles the three forms, turns
valid input into the engine's ``AccountSpec`` and writes the canonical query string that
``HX-Push-Url`` puts in the address bar.

Percentages are typed as per cent (0.5 means 0.5%) and handed to the engine as fractions.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast
from urllib.parse import urlencode

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.forms.formsets import TOTAL_FORM_COUNT, ManagementForm
from django.utils.safestring import SafeString

from core.light_forms import LightForm, clean_fields, copy_field
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
    # The list, not the function: the markets are fixed at import, and a callable's choices are
    # rebuilt on every validation of every row.
    symbol = forms.ChoiceField(label="Symbol", choices=symbol_choices())
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
        return position_id(self.index)

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

    def adopt_cleaned(self, rows: list[dict[str, Any]]) -> None:
        """Mark the bound rows as validated with ``rows`` (``clean_setup`` on the same data):
        what ``full_clean`` leaves when every row is valid."""
        for form, cleaned in zip(self.forms, rows, strict=True):
            form.adopt_cleaned(cleaned)
        # Django's own attributes, which django-stubs leaves out.
        self._errors = [form.errors for form in self.forms]  # type: ignore[attr-defined]
        self._non_form_errors = self.error_class(  # type: ignore[attr-defined]
            error_class="nonform",
            renderer=self.renderer,  # type: ignore[attr-defined]
        )


# formset_factory returns a subclass of ``formset``; django-stubs types it as the base class.
PositionFormSet = cast(
    type[BasePositionFormSet],
    forms.formset_factory(
        PositionForm,
        formset=BasePositionFormSet,
        extra=0,
        min_num=1,
        validate_min=True,
        max_num=MAX_POSITIONS,
        validate_max=True,
        absolute_max=MAX_POSITIONS,
    ),
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
            shared = _shared_shock_fields(symbol).items()
            self.fields.update({name: copy_field(field) for name, field in shared})

    def clean(self):
        cleaned = super().clean()
        assert cleaned is not None  # Form.clean returns cleaned_data
        for symbol in self.symbols:
            if symbol in self.errors:
                continue
            number = resolve_shock(
                cleaned, symbol, self.is_bound and _sent_empty(self.data, self.add_prefix(symbol))
            )
            if number is None:
                self.add_error(symbol, EMPTY_SHOCK)
                continue
            cleaned[symbol] = number
        return cleaned

    def percents(self) -> dict[str, Decimal]:
        return {symbol: self.cleaned_data.get(symbol) or Decimal(0) for symbol in self.symbols}

    def controls(self) -> list[dict[str, Any]]:
        """Each symbol's slider + number pair as plain values for the template: the number
        box's id, name, label and first error, the current value and the slider's."""
        values = self.cleaned_data if self.is_bound and hasattr(self, "cleaned_data") else {}
        controls = []
        for symbol in self.symbols:
            bound = self[symbol]
            value = values.get(symbol)
            if value is None:
                raw = bound.value()
                errored = self.is_bound and symbol in self.errors
                value = raw if raw not in (None, "") or errored else "0"
                value = value or ""
            errors = self.errors.get(symbol) if self.is_bound else None
            controls.append(
                {
                    "symbol": symbol,
                    "base": MARKETS[symbol].base,
                    "id": bound.auto_id,
                    "name": bound.html_name,
                    "label": bound.label,
                    "error": errors[0] if errors else "",
                    "value": value,
                    "slider_value": _clamp_slider(value),
                    "slider_name": self.add_prefix(f"{symbol}_slider"),
                    "was_name": self.add_prefix(f"{symbol}_was"),
                }
            )
        return controls


def shock_fields(symbol: str) -> dict[str, forms.Field]:
    """A held symbol's three shock fields: the number box, the slider and the value last shown."""
    number = percent_field(
        f"{MARKETS[symbol].base} price move (%)",
        minimum=SHOCK_MIN,
        maximum=SHOCK_MAX,
        initial=Decimal(0),
    )
    number.error_messages["invalid"] = EMPTY_SHOCK
    return {
        symbol: number,
        f"{symbol}_slider": DecimalField(required=False, widget=forms.HiddenInput),
        f"{symbol}_was": DecimalField(required=False, widget=forms.HiddenInput),
    }


# One set per symbol: validation alone (``clean_fields``) only reads them, and a ShockForm gets
# its own copies, as a LightForm does of its class's fields.
_shared_shock_fields = functools.cache(shock_fields)


def _sent_empty(data, name: str) -> bool:
    return name in data and not str(data[name]).strip()


def resolve_shock(cleaned: dict, symbol: str, sent_empty: bool) -> Decimal | None:
    """The move a symbol's controls ask for, or None for an emptied box (``EMPTY_SHOCK``)."""
    number = cleaned.get(symbol)
    slider = cleaned.get(f"{symbol}_slider")
    was = cleaned.get(f"{symbol}_was")
    if number is None and sent_empty:
        # An emptied box, or letters (a number box sends them as ""), is a typo, not 0%.
        return None
    if number is None:
        number = Decimal(0)  # a symbol the setup did not shock yet (a row just added)
    if number == was and slider is not None and slider != was:
        number = slider
    return number


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


@dataclass
class CleanSetup:
    """A valid setup as its forms would have cleaned it, found without building the forms:
    ``cleaned_data`` of the account form, of each row and of the shock form, and each field's
    value as ``BoundField.value()`` gives it (for the query string and re-rendering)."""

    account: dict[str, Any]
    account_values: dict[str, Any]
    rows: list[dict[str, Any]]
    row_values: list[dict[str, Any]]
    symbols: list[str]
    shocks: dict[str, Any]
    shock_values: dict[str, Any]


def clean_setup(data) -> CleanSetup | None:
    """The whole setup validated with the forms' own fields and rules (the management form, the
    row count, each field's ``clean``, the shock controls), or None when anything is off: then
    ``Setup`` builds the forms, whose validation words each message beside its field."""
    management = clean_fields(ManagementForm.base_fields, data, FORMSET_PREFIX)
    if management is None:
        return None
    count = management[0][TOTAL_FORM_COUNT]
    # Outside these the formset refuses the rows (too few, too many) with a message of its own.
    if not 1 <= count <= MAX_POSITIONS:
        return None
    account = clean_fields(AccountForm.base_fields, data)
    if account is None:
        return None
    rows = []
    for index in range(count):
        row = clean_fields(PositionForm.base_fields, data, f"{FORMSET_PREFIX}-{index}")
        if row is None:
            return None
        rows.append(row)
    # A valid row always differs from the empty form (its symbol is required), so the
    # formset's "at least one position" rules are met too.
    symbols = _unique(values["symbol"] for _, values in rows)
    shock_form_fields = {
        name: field for symbol in symbols for name, field in _shared_shock_fields(symbol).items()
    }
    shocks = clean_fields(shock_form_fields, data, SHOCK_PREFIX)
    if shocks is None:
        return None
    shock_cleaned, shock_values = shocks
    for symbol in symbols:
        number = resolve_shock(shock_cleaned, symbol, _sent_empty(data, f"{SHOCK_PREFIX}-{symbol}"))
        if number is None:
            return None
        shock_cleaned[symbol] = number
    return CleanSetup(
        account=account[0],
        account_values=account[1],
        rows=[cleaned for cleaned, _ in rows],
        row_values=[values for _, values in rows],
        symbols=symbols,
        shocks=shock_cleaned,
        shock_values=shock_values,
    )


class Setup:
    """The whole simulator form: account, positions and shocks, bound to one dict of data.

    A valid setup is validated by ``clean_setup`` and its forms are built only if a response
    renders them (the htmx results partial does not), already validated; an invalid one builds
    them at once, and their validation puts each message beside its field."""

    def __init__(self, data=None):
        self.data = data
        self.broken = False
        self.engine_errors: list[str] = []
        self._clean = clean_setup(data) if data is not None else None
        self._forms: tuple[AccountForm, BasePositionFormSet, ShockForm] | None = None
        if self._clean is None:
            self._forms = self._build_forms()

    def _build_forms(self) -> tuple[AccountForm, BasePositionFormSet, ShockForm]:
        data = self.data
        account_form = AccountForm(data)
        formset = PositionFormSet(data, prefix=FORMSET_PREFIX)
        if data is not None and not formset.management_form.is_valid():
            # A hand-edited URL without the management fields: start again from one position.
            self.broken = True
            formset = PositionFormSet(prefix=FORMSET_PREFIX)
        symbols = _unique(form["symbol"].value() for form in formset.forms)
        shock_form = ShockForm(data, symbols=symbols, prefix=SHOCK_PREFIX)
        clean = self._clean
        if clean is not None:
            account_form.adopt_cleaned(clean.account)
            formset.adopt_cleaned(clean.rows)
            shock_form.adopt_cleaned(clean.shocks)
        return account_form, formset, shock_form

    def _bound_forms(self) -> tuple[AccountForm, BasePositionFormSet, ShockForm]:
        if self._forms is None:
            self._forms = self._build_forms()
        return self._forms

    @property
    def account_form(self) -> AccountForm:
        return self._bound_forms()[0]

    @property
    def formset(self) -> BasePositionFormSet:
        return self._bound_forms()[1]

    @property
    def shock_form(self) -> ShockForm:
        return self._bound_forms()[2]

    @classmethod
    def from_rows(cls, account_data, rows: list[dict], shocks: dict[str, str] | None = None):
        """An unbound setup showing ``rows`` (raw field values), e.g. after adding or removing one.

        Unbound so that half-typed rows are shown as typed, without error messages yet.
        """
        setup = cls.__new__(cls)
        setup.data = None
        setup.broken = False
        setup.engine_errors = []
        setup._clean = None
        symbols = _unique(row.get("symbol") for row in rows)
        setup._forms = (
            AccountForm(initial=account_data),
            PositionFormSet(prefix=FORMSET_PREFIX, initial=rows),
            ShockForm(
                initial={symbol: (shocks or {}).get(symbol, "0") for symbol in symbols},
                symbols=symbols,
                prefix=SHOCK_PREFIX,
            ),
        )
        return setup

    # --- reading raw data -------------------------------------------------------------------

    def raw_rows(self) -> list[dict[str, str]]:
        """Each position row's raw values, as typed (for re-rendering after add/remove)."""
        if self._clean is not None:
            return [
                {name: values[name] or "" for name in PositionForm.base_fields}
                for values in self._clean.row_values
            ]
        rows = []
        for form in self.formset.forms:
            rows.append({name: form[name].value() or "" for name in PositionForm.base_fields})
        return rows

    def raw_account(self) -> dict[str, str]:
        if self._clean is not None:
            return dict(self._clean.account_values)
        return {name: self.account_form[name].value() for name in AccountForm.base_fields}

    def raw_shocks(self) -> dict[str, str]:
        if self._clean is not None:
            values = self._clean.shock_values
            return {s: str(values[s] or "0") for s in self._clean.symbols}
        return {s: str(self.shock_form[s].value() or "0") for s in self.shock_form.symbols}

    def symbols(self) -> list[str]:
        """The symbols held, in row order; shock controls exist for exactly these."""
        if self._clean is not None:
            return list(self._clean.symbols)
        return list(self.shock_form.symbols)

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
        if self._forms is None:
            return True  # clean_setup found it valid, and no engine rule has refused it since
        forms_valid = [
            self.account_form.is_valid(),
            self.formset.is_valid(),
            self.shock_form.is_valid(),
        ]
        return self.data is not None and not self.broken and all(forms_valid)

    def wants_prediction(self) -> bool:
        """Whether the learner ticked "predict first" (on a bound, validated setup)."""
        if self._clean is not None:
            return bool(self._clean.account.get("predict"))
        form = self.account_form
        return bool(form.is_bound and form.cleaned_data.get("predict"))

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
        if self._forms is None:
            return []
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
        if self._forms is None:
            return messages
        if self.broken:
            messages.append(BROKEN_FORM)
        messages += [_formset_message(str(m)) for m in self.formset.non_form_errors()]
        for form in self.formset.forms:
            messages += [f"Position {form.position_id}: {m}" for m in form.non_field_errors()]
        messages += [str(m) for m in self.account_form.non_field_errors()]
        return messages

    # --- to the engine ----------------------------------------------------------------------

    def account_cleaned(self) -> dict[str, Any]:
        """The account form's cleaned values (on a valid setup)."""
        return self._clean.account if self._clean is not None else self.account_form.cleaned_data

    def cleaned_rows(self) -> list[dict[str, Any]]:
        """Each valid row's cleaned values, in row order (row ``i`` has the prefix
        ``pos-i``)."""
        if self._clean is not None:
            return self._clean.rows
        return [form.cleaned_data for form in self.formset.forms]

    @property
    def venue(self) -> str:
        return self.account_cleaned()["venue"]

    def position_specs(self) -> tuple[PositionSpec, ...]:
        specs = []
        for index, data in enumerate(self.cleaned_rows()):
            market = MARKETS[data["symbol"]]
            entry_price = data["entry_price"] or market.default_price
            leverage = data["leverage"]
            notional = data["size"] * leverage if data["size_by"] == "margin" else data["size"]
            specs.append(
                position_spec(
                    position_id=position_id(index),
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
        data = self.account_cleaned()
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
        return {s: p / HUNDRED for s, p in self.shock_percents().items()}

    def market_prices_json(self) -> str:
        """Each market's default price, for the script that pre-fills a row's entry price."""
        return json.dumps({symbol: str(m.default_price) for symbol, m in MARKETS.items()})

    def shock_percents(self) -> dict[str, Decimal]:
        if self._clean is not None:
            shocks = self._clean.shocks
            return {symbol: shocks.get(symbol) or Decimal(0) for symbol in self._clean.symbols}
        return self.shock_form.percents()

    # --- to the address bar -----------------------------------------------------------------

    def query_string(self) -> str:
        """The setup as a canonical query string: only meaningful, non-empty fields. Built once
        per setup: the page asks for it several times (share link, pushed URL, preset check)."""
        if getattr(self, "_query_string", None) is None:
            self._query_string = self._build_query_string()
        return self._query_string

    def _build_query_string(self) -> str:
        if self._clean is not None:
            clean = self._clean
            account_values = clean.account_values
            row_values = clean.row_values
            symbols = clean.symbols
            shock_values = clean.shocks
            shown = clean.shock_values
        else:
            account_values = self.raw_account()
            row_values = [
                {name: form[name].value() for name in PositionForm.base_fields}
                for form in self.formset.forms
            ]
            symbols = self.shock_form.symbols
            valid = self.shock_form.is_bound and self.shock_form.is_valid()
            shock_values = self.shock_form.cleaned_data if valid else {}
            shown = {symbol: self.shock_form[symbol].value() for symbol in symbols}
        params: list[tuple[str, str]] = []
        for name, value in account_values.items():
            if value not in (None, "", False):
                params.append((name, "1" if value is True else str(value)))
        params += [
            (f"{FORMSET_PREFIX}-TOTAL_FORMS", str(len(row_values))),
            (f"{FORMSET_PREFIX}-INITIAL_FORMS", "0"),
        ]
        for index, values in enumerate(row_values):
            for name, value in values.items():
                if value not in (None, ""):
                    params.append((f"{FORMSET_PREFIX}-{index}-{name}", str(value)))
        for symbol in symbols:
            value = shock_values.get(symbol, shown.get(symbol))
            if value not in (None, ""):
                params.append((f"{SHOCK_PREFIX}-{symbol}", _plain(value)))
        return urlencode(params)


def position_id(index: int) -> str:
    """Row ``index``'s letter: A to H."""
    return POSITION_IDS[index] if index < len(POSITION_IDS) else str(index)


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

    def inputs(self) -> list[dict[str, Any]]:
        """Each field as plain values for the template's number boxes: id, name, label, value
        (empty for none) and first error."""
        inputs = []
        for bound in self:
            value = bound.value()
            errors = bound.errors
            inputs.append(
                {
                    "id": bound.auto_id,
                    "name": bound.html_name,
                    "label": bound.label,
                    "value": "" if value is None else value,
                    "error": errors[0] if errors else "",
                }
            )
        return inputs
