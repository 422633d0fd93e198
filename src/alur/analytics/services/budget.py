"""Budget actuals from imported spend. The budget lines are the campaigns context's: analytics hands it the
amounts, and its service writes them and audits each change."""

from __future__ import annotations

from alur.accounts.models import Workspace
from alur.analytics.selectors import budget as selectors
from alur.campaigns.services import budget_actuals_record_automatic


def budget_actuals_refresh(workspace: Workspace) -> int:
    """Actual spend per campaign, channel and month from the imported spend in the workspace currency; fills
    the budget lines that exist (the plan stays the person's). A month that counts a share of a whole-period
    report holds an estimate (:func:`selectors.spend_by_campaign_channel_month`); the budget page marks it.
    Returns how many lines changed."""
    actuals = selectors.spend_by_campaign_channel_month(workspace)
    return budget_actuals_record_automatic(workspace=workspace, actuals={key: spent.amount for key, spent in actuals.items()})
