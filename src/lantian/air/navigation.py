"""The air-quality menu."""

from django.utils.translation import gettext_lazy as _

from lantian.core.navigation import MenuGroup, MenuItem, register_menu

register_menu(
    "air",
    MenuGroup(
        _("Air quality"),
        "cloud",
        (
            MenuItem(_("Live map"), "air:live", "air.view_station"),
            MenuItem(_("Evaluation and rankings"), "air:evaluation", "air.view_station"),
            MenuItem(_("Stations"), "air:station_list", "air.view_station"),
            MenuItem(_("Import hourly data"), "air:hourly_import", "air.change_station"),
            MenuItem(_("Audit marks"), "air:auditmark_list", "air.view_auditmark"),
            MenuItem(_("Anomalies"), "air:anomaly_list", "air.view_anomaly"),
            MenuItem(_("Anomaly counts"), "air:anomaly_counts", "air.view_anomaly"),
            MenuItem(_("Anomaly rules"), "air:anomalyrule_list", "air.view_anomalyrule"),
            MenuItem(_("Benchmark counties"), "air:benchmarkfigure_list", "air.view_benchmarkfigure"),
        ),
        weight=30,
    ),
)
