"""Rules of the device registry that hold whichever way a device is changed: form, bulk edit,
import, API (they live in the model), and secrets that leave no trace in the change log."""

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

pytestmark = pytest.mark.django_db
KEY = "0123456789ABCDEF0123456789ABCDEF"


def test_bulk_edit_applies_the_interval_rules_of_the_model(tree, login, device):
    client = login(tree.city_admin)
    url = reverse("hj212:device_bulk_edit")
    for interval in ("0", "90"):  # zero would divide by zero; minute data need whole minutes
        client.post(url, {"pk": [device.pk], "apply": "1", "_apply": ["capture_cn", "interval"],
                          "capture_cn": "2051", "interval": interval})  # fmt: skip
        device.refresh_from_db()
        assert (device.capture_cn, device.interval) == ("2011", 60)
    client.post(url, {"pk": [device.pk], "apply": "1", "_apply": ["capture_cn", "interval"],
                      "capture_cn": "2061", "interval": "3600"})  # fmt: skip
    device.refresh_from_db()
    assert (device.capture_cn, device.interval) == ("2061", 3600)


def test_the_sm4_key_and_pw_leave_no_trace_in_the_change_log(tree, device):
    device.sm4_key = KEY
    device.password = "852741"
    device.save()
    entries = LogEntry.objects.get_for_object(device)
    stored = " ".join(str(entry.changes) for entry in entries)
    assert "852741" not in stored
    assert not any(KEY[i : i + 6] in stored for i in range(0, 27))  # not even half of the key


def test_the_change_log_table_says_changed_for_secrets(tree, login, device):
    device.sm4_key = KEY
    device.save()
    page = login(tree.city_admin).get(device.get_absolute_url()).content.decode()
    assert KEY[-16:] not in page and KEY[:16] not in page


def test_an_interval_of_zero_is_refused_by_the_model(device):
    from django.core.exceptions import ValidationError

    device.interval = 0
    with pytest.raises(ValidationError) as error:
        device.full_clean()
    assert "interval" in error.value.message_dict
