from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HelpdeskConfig(AppConfig):
    name = "sportello.helpdesk"
    label = "helpdesk"
    verbose_name = _("Digital help desk")

    def ready(self):
        from sportello.accounts.services import personal_data_exporters
        from sportello.core import navigation
        from sportello.helpdesk.access import BOOKERS, COORDINATORS, STATISTICS
        from sportello.helpdesk.gdpr import export_bookings

        navigation.register("citizen", _("Book help with SPID/CIE"), "helpdesk:book")
        navigation.register("citizen", _("Video tutorials"), "helpdesk:tutorials")
        navigation.register("area", _("My help-desk appointments"), "helpdesk:mine")
        navigation.register("staff", _("Help desk: appointments"), "helpdesk:staff_home", BOOKERS)
        navigation.register(
            "staff", _("Help desk: book for a caller"), "helpdesk:staff_book", BOOKERS
        )
        navigation.register("staff", _("Help desk: places"), "helpdesk:places", COORDINATORS)
        navigation.register("staff", _("Help desk: mediators"), "helpdesk:mediators", COORDINATORS)
        navigation.register(
            "staff", _("Help desk: tutorials"), "helpdesk:tutorials_manage", COORDINATORS
        )
        navigation.register("staff", _("Help desk: statistics"), "helpdesk:stats", STATISTICS)
        if export_bookings not in personal_data_exporters:
            personal_data_exporters.append(export_bookings)
