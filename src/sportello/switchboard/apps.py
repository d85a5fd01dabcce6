from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SwitchboardConfig(AppConfig):
    name = "sportello.switchboard"
    label = "switchboard"
    verbose_name = _("Switchboard")

    def ready(self) -> None:
        from sportello.accounts.roles import Role
        from sportello.core import navigation

        supervision = [Role.SUPERVISOR, Role.ADMINISTRATOR]
        navigation.register("staff", _("Agent desktop"), "switchboard:desktop", roles=[Role.AGENT])
        navigation.register("staff", _("Switchboard live"), "switchboard:live", roles=supervision)
        navigation.register("staff", _("Switchboard settings"), "switchboard:config",
                            roles=[Role.ADMINISTRATOR])  # fmt: skip
        navigation.register("staff", _("Switchboard reports"), "switchboard:reports",
                            roles=[*supervision, Role.AGENT])  # fmt: skip
        navigation.register("staff", _("Switchboard wallboard"), "switchboard:wallboard",
                            roles=supervision)  # fmt: skip
