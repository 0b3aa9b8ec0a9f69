"""The ops menu."""

from django.utils.translation import gettext_lazy as _

from lantian.core.navigation import MenuGroup, MenuItem, register_menu

register_menu(
    "ops",
    MenuGroup(
        _("Operations"),
        "tool",
        (
            MenuItem(_("Incidents"), "ops:incident_list", "ops.view_incident"),
            MenuItem(_("Inspection runs"), "ops:inspectionrun_list", "ops.view_inspectionrun"),
            MenuItem(_("Inspection templates"), "ops:inspectiontemplate_list", "ops.view_inspectiontemplate"),
            MenuItem(_("Backups"), "ops:backuprun_list", "ops.view_backuprun"),
            MenuItem(_("Restore drills"), "ops:restoredrill_list", "ops.view_restoredrill"),
            MenuItem(_("Monitored services"), "ops:monitoredservice_list", "ops.view_monitoredservice"),
            MenuItem(_("Maintenance windows"), "ops:maintenancewindow_list", "ops.view_maintenancewindow"),
            MenuItem(_("Attendance"), "ops:attendance_list", "ops.view_attendance"),
            MenuItem(_("Staff changes"), "ops:staffchange_list", "ops.view_staffchange"),
            MenuItem(_("Training records"), "ops:training_list", "ops.view_training"),
            MenuItem(_("Security inspections"), "ops:securityinspection_list", "ops.view_securityinspection"),
            MenuItem(_("Data-security events"), "ops:securityevent_list", "ops.view_securityevent"),
            MenuItem(_("Monthly assessments"), "ops:assessment_list", "ops.view_assessment"),
            MenuItem(_("Operations contracts"), "ops:contract_list", "ops.view_contract"),
            MenuItem(_("Contract contacts"), "ops:contractcontact_list", "ops.view_contractcontact"),
            MenuItem(_("Severity levels"), "ops:severitylevel_list", "ops.view_severitylevel"),
            MenuItem(_("Assessment schemes"), "ops:assessmentscheme_list", "ops.view_assessmentscheme"),
            MenuItem(_("Assessment rules"), "ops:assessmentrule_list", "ops.view_assessmentrule"),
        ),
        weight=60,
    ),
)
