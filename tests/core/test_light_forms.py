"""LightForm copies each field per form instance by hand: the copies must behave as Django's
deep copies do (same rendering, same validation) and stay independent between instances."""

import copy

from django import forms

from core.light_forms import LightForm, copy_field


class Plain(forms.Form):
    symbol = forms.ChoiceField(choices=[("BTCUSDT", "BTC"), ("ETHUSDT", "ETH")])
    size = forms.DecimalField(min_value=1, widget=forms.NumberInput(attrs={"step": "any"}))
    note = forms.CharField(required=False, max_length=5)


class Light(LightForm, Plain):
    pass


DATA = {"symbol": "ETHUSDT", "size": "0.5", "note": "too long"}


def test_a_light_form_renders_and_validates_as_the_deep_copied_one():
    plain, light = Plain(DATA), Light(DATA)
    assert str(light) == str(plain)
    assert light.is_valid() is plain.is_valid() is False
    assert light.errors == plain.errors
    assert str(Light()) == str(Plain())


def test_each_instance_owns_its_fields_widgets_messages_and_validators():
    first, second = Light(), Light()
    first.fields["size"].widget.attrs["placeholder"] = "typed"
    first.fields["size"].error_messages["required"] = "changed"
    first.fields["note"].validators.append(lambda value: None)
    second_size = second.fields["size"]
    assert "placeholder" not in second_size.widget.attrs
    assert "placeholder" not in Light.base_fields["size"].widget.attrs
    assert second_size.error_messages["required"] != "changed"
    assert len(second.fields["note"].validators) == len(Light.base_fields["note"].validators)
    assert first.fields["symbol"] is not second.fields["symbol"]
    assert first.fields["symbol"].widget is not second.fields["symbol"].widget


def test_the_class_keeps_its_own_fields_after_an_instance_is_made():
    Light()
    assert type(Light.base_fields) is dict
    assert "base_fields" not in Light().__dict__


def test_copy_field_matches_a_deep_copy_on_every_attribute_but_the_shared_choices():
    field = Plain.base_fields["symbol"]
    light, deep = copy_field(field), copy.deepcopy(field)
    assert list(light.choices) == list(deep.choices)
    assert light.widget.attrs == deep.widget.attrs
    assert light.error_messages == deep.error_messages
    assert light.widget.choices is not field.widget.choices
