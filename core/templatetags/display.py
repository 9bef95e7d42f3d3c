"""Template filters over ``core.display``: `{% load display %}` then `{{ value|price }}`."""

from __future__ import annotations

from decimal import Decimal

from django import template

from core import display

register = template.Library()


@register.filter(name="money")
def money(value: Decimal | None, currency: str = "USDT") -> str:
    return display.money(value, currency)


@register.filter(name="price")
def price(value: Decimal | None) -> str:
    return display.price(value)


@register.filter(name="percent")
def percent(value: Decimal | None) -> str:
    return display.percent(value)


@register.filter(name="figure")
def figure(value: Decimal | None, kind: str) -> str:
    return display.display(value, kind)
