"""Budget actuals from imported spend: the budget lines' actual spend per campaign, channel and month."""

from __future__ import annotations

from decimal import Decimal

from alur.accounts.models import Workspace
from alur.analytics.selectors import budget as selectors
from alur.analytics.selectors import facts


def budget_actuals_refresh(workspace: Workspace) -> int:
    """Actual spend per campaign, channel and month from the imported spend in the workspace currency; fills
    the budget lines that exist (the plan stays the person's). A month that counts a share of a whole-period
    report holds an estimate (:func:`selectors.spend_by_campaign_channel_month`); the budget page marks it.
    Returns how many lines changed."""
    from alur.campaigns.models import BudgetLine

    actuals = selectors.spend_by_campaign_channel_month(workspace)
    changed = 0
    for line in BudgetLine.objects.filter(workspace=workspace):
        key = (line.campaign_id, facts.channel_key(line.channel), line.month.replace(day=1))
        if key not in actuals:
            continue
        amount = actuals[key].amount.quantize(Decimal("0.01"))
        if line.actual != amount:
            line.actual = amount
            line.save(update_fields=["actual"])
            changed += 1
    return changed
