"""Prioritising initiatives by expected impact against effort. Framework-free.

- **RICE** (Sean McBride, Intercom, 2016, "RICE: Simple prioritization for product managers"):
  Reach × Impact × Confidence ÷ Effort. Reach in people per period; Impact on Intercom's scale
  3 = massive, 2 = high, 1 = medium, 0.5 = low, 0.25 = minimal; Confidence as a share (100 % = 1.0);
  Effort in person-weeks.
- **ICE** (Sean Ellis, GrowthHackers): Impact × Confidence × Ease, each scored 1–10.
"""

from __future__ import annotations

from decimal import Decimal

RICE_IMPACTS = (Decimal("0.25"), Decimal("0.5"), Decimal("1"), Decimal("2"), Decimal("3"))


def rice_score(*, reach: int, impact: Decimal, confidence_percent: int, effort_weeks: Decimal) -> Decimal:
    if reach < 0 or not 0 <= confidence_percent <= 100 or effort_weeks <= 0 or impact not in RICE_IMPACTS:
        raise ValueError("RICE inputs out of range")
    return (Decimal(reach) * impact * Decimal(confidence_percent) / 100 / effort_weeks).quantize(Decimal("0.1"))


def ice_score(*, impact: int, confidence: int, ease: int) -> int:
    if not all(1 <= value <= 10 for value in (impact, confidence, ease)):
        raise ValueError("ICE inputs out of range")
    return impact * confidence * ease
