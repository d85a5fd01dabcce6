from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HiringConfig(AppConfig):
    name = "sportello.hiring"
    label = "hiring"
    verbose_name = _("Public hiring calls")

    def ready(self) -> None:
        from sportello.accounts.roles import Role
        from sportello.accounts.services import personal_data_exporters
        from sportello.core import navigation
        from sportello.hiring.gdpr import export_applications

        navigation.register("citizen", _("Public job calls"), "hiring:call_list")
        navigation.register("area", _("My applications"), "hiring:my_applications")
        navigation.register(
            "staff",
            _("Calls and rankings"),
            "hiring:office_home",
            roles=[Role.OPERATOR, Role.MANAGER],
        )
        navigation.register(
            "staff", _("Rule sets"), "hiring:rulesets", roles=[Role.OPERATOR, Role.MANAGER]
        )
        navigation.register(
            "staff", _("My staff requests"), "hiring:my_requests", roles=[Role.BODY_USER]
        )
        if export_applications not in personal_data_exporters:
            personal_data_exporters.append(export_applications)
