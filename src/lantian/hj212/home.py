"""What the home page of an enterprise or an operations vendor shows of its HJ 212 devices."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lantian.core.home import Figure, Panel, register_home_panel
from lantian.hj212 import status
from lantian.hj212.models import Device, RejectedPacket


@register_home_panel
def devices(user):
    """Active devices online, offline and never seen, and the packets of the user's devices the
    gateway rejected today."""
    if not user.has_perm("hj212.view_device"):
        return None
    active = Device.objects.restrict(user, "view").filter(is_active=True)
    counts = status.status_counts(active)
    device_list = reverse("hj212:device_list")
    figures = [
        Figure(_("devices in use"), counts["total"], f"{device_list}?is_active=true"),
        Figure(_("online"), counts[status.ONLINE], f"{device_list}?is_active=true&online={status.ONLINE}"),
        Figure(
            _("offline"),
            counts[status.OFFLINE],
            f"{device_list}?is_active=true&online={status.OFFLINE}",
            attention=counts[status.OFFLINE] > 0,
        ),
        Figure(_("never seen"), counts[status.NEVER], f"{device_list}?is_active=true&online={status.NEVER}"),
    ]
    if user.has_perm("hj212.view_rejectedpacket"):
        today = timezone.localdate()
        start, end = status.day_bounds(today)
        rejected = (
            RejectedPacket.objects.restrict(user, "view")
            .filter(received_at__gte=start, received_at__lt=end)
            .count()
        )
        figures.append(
            Figure(
                _("rejected packets today"),
                rejected,
                f"{reverse('hj212:rejectedpacket_list')}?since={today.isoformat()}&until={today.isoformat()}",
                attention=rejected > 0,
            )
        )
    return Panel("hj212.devices", _("HJ 212 devices"), "antenna", figures, url=device_list, weight=30)
