from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "alur.accounts"
    label = "accounts"
    verbose_name = "Alur accounts"

    def ready(self) -> None:
        from alur.accounts.selectors import workspace_membership
        from alur.core.audit import register_action_labels
        from alur.core.tenancy import register_membership_resolver

        register_membership_resolver(workspace_membership)

        register_action_labels(
            {
                "user.create": _("Account created"),
                "user.update": _("Profile changed"),
                "user.set_password": _("Password set"),
                "workspace.create": _("Workspace created"),
                "workspace.update": _("Workspace settings changed"),
                "membership.create": _("Member added"),
                "membership.change_role": _("Role changed"),
                "membership.update_capacity": _("Weekly capacity changed"),
                "membership.remove": _("Member removed"),
                "invitation.create": _("Invitation sent"),
                "invitation.revoke": _("Invitation withdrawn"),
                "invitation.accept": _("Invitation accepted"),
                "api_token.create": _("API token created"),
                "api_token.revoke": _("API token revoked"),
            }
        )
