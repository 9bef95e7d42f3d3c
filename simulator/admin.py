from django import forms
from django.contrib import admin

from margin.candles import CandleError, parse_candles
from simulator.event_forms import MAX_UPLOAD_BYTES, read_upload
from simulator.forms import symbol_choices
from simulator.models import SavedEvent


class SavedEventForm(forms.ModelForm):
    upload = forms.FileField(
        required=False,
        help_text="A CSV file of candles; replaces the text below.",
    )
    symbol = forms.ChoiceField(choices=symbol_choices)

    class Meta:
        model = SavedEvent
        fields = [
            "title",
            "symbol",
            "price_type",
            "source",
            "description",
            "upload",
            "candles",
            "published",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["candles"].required = False

    def clean(self):
        cleaned = super().clean()
        assert cleaned is not None  # Form.clean returns cleaned_data
        upload = cleaned.get("upload")
        if upload:
            text, error = read_upload(upload, MAX_UPLOAD_BYTES)
            if error:
                self.add_error("upload", error)
                return cleaned
            assert text is not None  # read_upload gives the text or an error
            try:
                parse_candles(text)
            except CandleError as problem:
                self.add_error("upload", problem.message)
                return cleaned
            cleaned["candles"] = text
        elif not cleaned.get("candles"):
            self.add_error("candles", "Upload a CSV file or paste the candles.")
        return cleaned


@admin.register(SavedEvent)
class SavedEventAdmin(admin.ModelAdmin):
    form = SavedEventForm
    list_display = ("title", "symbol", "price_type", "published", "created_at")
    list_filter = ("published", "price_type")
    search_fields = ("title", "source")
