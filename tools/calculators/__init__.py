"""The calculators, one module each (the pages at /tools/<slug>/)."""

from tools.calculators.average_entry import average_entry
from tools.calculators.funding_cost import funding_cost
from tools.calculators.liquidation_price import liquidation_price
from tools.calculators.match_my_exchange import match_my_exchange
from tools.calculators.max_position import max_position
from tools.calculators.pnl import pnl
from tools.calculators.position_size import position_size
from tools.calculators.target_price import target_price

__all__ = [
    "average_entry",
    "funding_cost",
    "liquidation_price",
    "match_my_exchange",
    "max_position",
    "pnl",
    "position_size",
    "target_price",
]
