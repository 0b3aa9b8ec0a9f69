"""The ldar menu: the archive tree and the lists of the archive."""

from django.utils.translation import gettext_lazy as _

from lantian.core.navigation import MenuGroup, MenuItem, register_menu

register_menu(
    "ldar.archive",
    MenuGroup(
        _("LDAR"),
        "droplet-half-2",
        (
            MenuItem(_("Archive tree"), "ldar:archive_tree", "ldar.view_sealpoint"),
            MenuItem(
                _("Enterprise LDAR profiles"), "ldar:enterpriseprofile_list", "ldar.view_enterpriseprofile"
            ),
            MenuItem(_("Units"), "ldar:processunit_list", "ldar.view_processunit"),
            MenuItem(_("Areas"), "ldar:area_list", "ldar.view_area"),
            MenuItem(_("Equipment"), "ldar:equipment_list", "ldar.view_equipment"),
            MenuItem(_("Groups"), "ldar:componentgroup_list", "ldar.view_componentgroup"),
            MenuItem(_("Seal points"), "ldar:sealpoint_list", "ldar.view_sealpoint"),
            MenuItem(_("Unit start/stop ledger"), "ldar:unitshutdown_list", "ldar.view_unitshutdown"),
            MenuItem(
                _("Detection instruments"), "ldar:detectioninstrument_list", "ldar.view_detectioninstrument"
            ),
            MenuItem(_("Seal-point types"), "ldar:sealpointtype_list", "ldar.view_sealpointtype"),
        ),
        weight=20,
    ),
)
register_menu(
    "ldar.detection",
    MenuGroup(
        _("LDAR detection"),
        "radar",
        (
            MenuItem(_("Detection cycles"), "ldar:detectioncycle_list", "ldar.view_detectioncycle"),
            MenuItem(_("Work plans"), "ldar:workplan_list", "ldar.view_workplan"),
            MenuItem(_("Work orders"), "ldar:workorder_list", "ldar.view_workorder"),
            MenuItem(_("Detection records"), "ldar:detectionrecord_list", "ldar.view_detectionrecord"),
            MenuItem(_("Re-test records"), "ldar:retestrecord_list", "ldar.view_retestrecord"),
            MenuItem(_("Background records"), "ldar:backgroundrecord_list", "ldar.view_backgroundrecord"),
            MenuItem(_("Calibration records"), "ldar:calibrationrecord_list", "ldar.view_calibrationrecord"),
            MenuItem(
                _("Inaccessible-point records"), "ldar:inaccessiblepoint_list", "ldar.view_inaccessiblepoint"
            ),
            MenuItem(_("Leak rule sets"), "ldar:leakruleset_list", "ldar.view_leakruleset"),
            MenuItem(_("Guard-rail flags"), "ldar:guardrailflag_list", "ldar.view_guardrailflag"),
            MenuItem(_("Flags by testing agency"), "ldar:guardrails_by_agency", "ldar.view_guardrailflag"),
            MenuItem(_("Guard rails"), "ldar:guardrailrule_list", "ldar.view_guardrailrule"),
        ),
        weight=21,
    ),
)
register_menu(
    "ldar.statistics",
    MenuGroup(
        _("LDAR statistics"),
        "chart-pie",
        (
            MenuItem(_("Seal-point statistics"), "ldar:statistics_sealpoints", "ldar.view_sealpoint"),
            MenuItem(_("Detected-point statistics"), "ldar:statistics_detected", "ldar.view_detectionrecord"),
            MenuItem(_("Re-tested-point statistics"), "ldar:statistics_retested", "ldar.view_retestrecord"),
            MenuItem(
                _("Big screen: city overview"), "ldar:screen_city", "ldar.view_sealpoint", new_window=True
            ),
            MenuItem(
                _("Big screen: enterprise comparison"),
                "ldar:screen_comparison",
                "ldar.view_sealpoint",
                new_window=True,
            ),
            MenuItem(
                _("Big screen: seal-point statistics"),
                "ldar:screen_points",
                "ldar.view_sealpoint",
                new_window=True,
            ),
        ),
        weight=23,
    ),
)
register_menu(
    "ldar.emissions",
    MenuGroup(
        _("LDAR reports and emissions"),
        "report",
        (
            MenuItem(_("Statistics reports"), "ldar:statisticsreport_list", "ldar.view_statisticsreport"),
            MenuItem(
                _("Third-party detection reports"), "ldar:thirdpartyreport_list", "ldar.view_thirdpartyreport"
            ),
            MenuItem(_("Emissions of the year"), "ldar:emissions_summary", "ldar.view_emissionaccount"),
            MenuItem(_("Emissions accounts"), "ldar:emissionaccount_list", "ldar.view_emissionaccount"),
            MenuItem(_("Seal-point emissions"), "ldar:pointemission_list", "ldar.view_pointemission"),
            MenuItem(
                _("Emission coefficients"), "ldar:emissioncoefficient_list", "ldar.view_emissioncoefficient"
            ),
        ),
        weight=24,
    ),
)
