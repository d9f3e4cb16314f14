"""`fixed3`: a statistic with three decimals, exactly as the report's downloads write it.

The methods paragraph, the LaTeX and CSV tables and the report's warnings format with Python's
`f"{x:.3f}"` (the binary value, rounded half to even). Django's `floatformat` rounds the
shortest decimal repr half up instead, so an alpha of 0.5575 showed as 0.558 on the page and
0.557 in the paragraph a PI pastes into a paper. Pages use this filter so both agree.
"""

from django import template

register = template.Library()


@register.filter
def fixed3(value: float | None) -> str:
    """`value` with three decimals; '' for None (so `|default:"n/a"` still applies)."""
    return "" if value is None else f"{value:.3f}"
