"""The HJ 212 menu: 监测设备."""

from django.utils.translation import gettext_lazy as _

from lantian.core.navigation import MenuGroup, MenuItem, register_menu

register_menu(
    "hj212.devices",
    MenuGroup(
        _("Monitoring devices"),
        "antenna-bars-5",
        (
            MenuItem(_("Device status"), "hj212:status", "hj212.view_device"),
            MenuItem(_("Devices"), "hj212:device_list", "hj212.view_device"),
            MenuItem(_("Received packets"), "hj212:rawpacket_list", "hj212.view_rawpacket"),
            MenuItem(_("Rejected packets"), "hj212:rejectedpacket_list", "hj212.view_rejectedpacket"),
        ),
        weight=50,
    ),
)
