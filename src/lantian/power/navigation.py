"""The power menu."""

from django.utils.translation import gettext_lazy as _

from lantian.core.navigation import MenuGroup, MenuItem, register_menu

register_menu(
    "power",
    MenuGroup(
        _("Power supervision"),
        "bolt",
        (
            MenuItem(_("City overview"), "power:overview", "power.view_alarmevent"),
            MenuItem(_("My enterprise"), "power:my_enterprise", "power.explain_alarmevent"),
            MenuItem(_("Alarm events"), "power:alarmevent_list", "power.view_alarmevent"),
            MenuItem(_("Data checks"), "power:checks", "power.view_finding"),
            MenuItem(_("Check findings"), "power:finding_list", "power.view_finding"),
            MenuItem(_("Enterprise power profiles"), "power:powerprofile_list", "power.view_powerprofile"),
            MenuItem(_("Import a power archive"), "power:archive_import", "power.import_powerprofile"),
            MenuItem(
                _("Production facilities"), "power:productionfacility_list", "power.view_productionfacility"
            ),
            MenuItem(
                _("Treatment facilities"), "power:treatmentfacility_list", "power.view_treatmentfacility"
            ),
            MenuItem(_("Monitoring points"), "power:monitoringpoint_list", "power.view_monitoringpoint"),
            MenuItem(_("Running thresholds"), "power:runningthreshold_list", "power.view_runningthreshold"),
            MenuItem(_("Alarm rules"), "power:alarmrule_list", "power.view_alarmrule"),
            MenuItem(_("Electricity code map"), "power:codemapping_list", "power.view_codemapping"),
            MenuItem(_("Unmapped codes"), "power:unknowncode_list", "power.view_unknowncode"),
        ),
        weight=40,
    ),
)
