"""Forms of the recorded-event replay page: the account and positions, and a candle upload."""

from __future__ import annotations

from decimal import Decimal
from typing import cast

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator

from margin import MARKETS, VENUES, AccountSpec, MarginMode, PositionSpec
from margin.candles import NOT_CSV, CandleError, CandleSeries, parse_candles
from margin.event_catalog import LAST, MARK, PRICE_TYPE_LABELS
from simulator.forms import MAX_MONEY, TOO_LARGE, DecimalField

EVENT_PREFIX = "ev"
MAX_EVENT_POSITIONS = 8
# An upload above this is refused with a message (a day of 1-minute candles is about 80 kB).
MAX_UPLOAD_BYTES = 2 * 1024 * 1024
UPLOAD_TOO_LARGE = "The file is {size}; the limit is 2 MB. Cut it to the hours you want to replay."
ENTRY_CHOICES = (
    ("event", "At the event's first price"),
    ("mine", "At my entry prices (the recorded moves, scaled to them)"),
)
USDT_SYMBOLS = [(s, s) for s, m in MARKETS.items() if m.quote == "USDT"]


def style_fields(form: forms.Form) -> None:
    """Bootstrap classes on every input, and each error's message tied to its input."""
    for name, field in form.fields.items():
        widget = field.widget
        if isinstance(widget, forms.HiddenInput):
            continue
        base = (
            "form-select form-select-sm"
            if isinstance(widget, forms.Select)
            else ("form-control form-control-sm")
        )
        widget.attrs.setdefault("class", base)
        if form.is_bound and name in form.errors:
            widget.attrs["class"] = f"{base} is-invalid"
            widget.attrs["aria-describedby"] = f"{form[name].auto_id}_error"


def _size_text(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    return f"{size / 1024:.0f} kB"


def read_upload(upload, limit: int = MAX_UPLOAD_BYTES) -> tuple[str | None, str | None]:
    """The uploaded file's text, or a message saying why it cannot be read. The size is
    checked before anything is read, so a huge file costs nothing but its transfer."""
    if upload.size > limit:
        return None, UPLOAD_TOO_LARGE.format(size=_size_text(upload.size))
    raw = upload.read(limit + 1)
    try:
        return raw.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        return None, NOT_CSV


class EventPositionForm(forms.Form):
    symbol = forms.ChoiceField(label="Market", choices=USDT_SYMBOLS)
    side = forms.ChoiceField(label="Side", choices=(("long", "Long"), ("short", "Short")))
    notional = DecimalField(
        label="Size (notional, USDT)",
        validators=[
            MinValueValidator(Decimal("1"), message="Enter at least 1."),
            MaxValueValidator(MAX_MONEY, message=TOO_LARGE),
        ],
    )
    leverage = DecimalField(
        label="Leverage",
        validators=[
            MinValueValidator(Decimal("1"), message="Enter at least 1x."),
            MaxValueValidator(Decimal("125"), message="Enter at most 125x."),
        ],
    )
    entry_price = DecimalField(
        label="My entry price",
        required=False,
        help_text="Used when the positions keep your entry prices.",
        validators=[
            MinValueValidator(Decimal("0.00000001"), message="Enter a price above zero."),
            MaxValueValidator(Decimal("1e9"), message=TOO_LARGE),
        ],
    )


class BaseEventPositionFormSet(forms.BaseFormSet):
    pass


EventPositionFormSet = forms.formset_factory(
    EventPositionForm,
    formset=BaseEventPositionFormSet,
    extra=0,
    min_num=1,
    max_num=MAX_EVENT_POSITIONS,
    validate_min=True,
    validate_max=True,
    absolute_max=MAX_EVENT_POSITIONS,
)


class EventReplayForm(forms.Form):
    event = forms.ChoiceField(label="Event", choices=[])
    track = forms.CharField(required=False, widget=forms.HiddenInput)
    series = forms.ChoiceField(label="Price series", choices=[], required=False)
    entry = forms.ChoiceField(label="Open the positions", choices=ENTRY_CHOICES, initial="event")
    wallet_balance = DecimalField(
        label="Wallet balance (USDT)",
        validators=[
            MinValueValidator(Decimal("1"), message="Enter at least 1."),
            MaxValueValidator(MAX_MONEY, message=TOO_LARGE),
        ],
    )
    venue = forms.ChoiceField(
        label="Exchange rules", choices=[(k, v.label) for k, v in VENUES.items()]
    )

    def __init__(self, *args, event_choices, series_choices, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["event"]).choices = event_choices
        cast(forms.ChoiceField, self.fields["series"]).choices = series_choices


class EventSetup:
    """The replay form and its position rows, bound to one dict of data."""

    def __init__(self, data, *, event_choices, series_choices):
        self.data = data
        self.form = EventReplayForm(
            data, event_choices=event_choices, series_choices=series_choices
        )
        self.formset = EventPositionFormSet(data, prefix=EVENT_PREFIX)

    def is_valid(self) -> bool:
        form_valid = self.form.is_valid()
        try:
            rows_valid = self.formset.is_valid()
        except forms.ValidationError:  # a tampered management form
            rows_valid = False
        for form in (self.form, *self.rows):
            style_fields(form)
        return form_valid and rows_valid

    @property
    def rows(self) -> list[forms.Form]:
        try:
            return list(self.formset.forms)
        except forms.ValidationError:
            return []

    def non_field_errors(self) -> list[str]:
        try:
            return [str(message) for message in self.formset.non_form_errors()]
        except forms.ValidationError:
            return ["The position rows could not be read; start again from the event list."]

    @property
    def keep_entry(self) -> bool:
        return self.form.cleaned_data["entry"] == "mine"

    def account_spec(self, start_prices: dict[str, Decimal]) -> AccountSpec:
        """The account, each position isolated to begin with (the replay runs both modes). A
        position without an entry price of its own starts at the event's price."""
        positions = []
        for index, row in enumerate(self.formset.forms):
            data = row.cleaned_data
            entry = data.get("entry_price") or start_prices.get(data["symbol"]) or Decimal(1)
            positions.append(
                PositionSpec(
                    id=chr(ord("A") + index),
                    symbol=data["symbol"],
                    side=data["side"],
                    margin_mode=MarginMode.ISOLATED,
                    entry_price=entry,
                    notional=data["notional"],
                    leverage=data["leverage"],
                )
            )
        return AccountSpec(
            wallet_balance=self.form.cleaned_data["wallet_balance"], positions=tuple(positions)
        )


class CandleUploadForm(forms.Form):
    candles = forms.FileField(
        label="Candles (CSV)",
        help_text=(
            "A header row naming timestamp (or time, open_time), open, high, low and close; "
            "one row per candle, oldest first; at most 2 MB."
        ),
    )
    symbol = forms.ChoiceField(label="Market", choices=USDT_SYMBOLS)
    price_type = forms.ChoiceField(
        label="Price type",
        choices=((LAST, PRICE_TYPE_LABELS[LAST]), (MARK, PRICE_TYPE_LABELS[MARK])),
        initial=LAST,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)

    def full_clean(self) -> None:
        super().full_clean()
        style_fields(self)

    def clean_candles(self) -> str:
        text, error = read_upload(self.cleaned_data["candles"])
        if error:
            raise forms.ValidationError(error)
        try:
            self.series: CandleSeries = parse_candles(text or "")
        except CandleError as problem:
            raise forms.ValidationError(problem.message) from None
        return text or ""
