from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "alur.campaigns"
    label = "campaigns"
    verbose_name = "Alur campaigns"

    def ready(self) -> None:
        from alur.core.audit import register_action_labels

        register_action_labels(
            {
                "workflow.publish": _("Workflow version published"),
                "campaign.create": _("Campaign created"),
                "campaign.update": _("Campaign brief changed"),
                "campaign.output": _("Stage output written"),
                "campaign.checklist": _("Checklist item ticked"),
                "campaign.budget": _("Budget line set"),
                "campaign.budget_actual": _("Actual spend recorded from imported data"),
                "campaign.approval_request": _("Submitted for approval"),
                "campaign.approve": _("Plan approved"),
                "campaign.send_back": _("Plan sent back"),
                "campaign.advance": _("Campaign moved to the next stage"),
                "campaign.kpi_loop": _("KPI not achieved: strategy optimised"),
                "campaign.raci": _("RACI changed"),
                "campaign.budget_increase_request": _("Budget increase requested"),
                "campaign.budget_increase_approve": _("Budget increase approved"),
                "campaign.budget_increase_reject": _("Budget increase rejected"),
                "campaign.settings": _("Campaign rules changed"),
                "initiative.create": _("Initiative scored"),
                "campaign.risk": _("Risk added to the register"),
                "task.create": _("Task created"),
                "playbook.create": _("Playbook created"),
                "playbook.apply": _("Playbook applied to a campaign"),
                "task.move": _("Task moved"),
                "task.dependency": _("Task dependency added"),
                "task.dependency_remove": _("Task dependency removed"),
                "task.checklist": _("Task checklist ticked"),
            }
        )
