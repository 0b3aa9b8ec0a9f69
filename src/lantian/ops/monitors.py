"""Periodic checks of monitored services; a failure opens an incident on the service's contract.

Each check returns (passed, value, message) and is bounded in time (the service's threshold for HTTP
and TCP, else ``DEFAULT_TIMEOUT`` seconds). Checks reach only what an administrator registered.
"""

from __future__ import annotations

import shutil
import socket
import ssl
import urllib.error
import urllib.request
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lantian.ops.models import CheckResult, Incident, MonitoredService

DEFAULT_TIMEOUT = 5.0
Kind = MonitoredService.Kind
Outcome = tuple[bool, float | None, str]


def _host_port(target: str, default_port: int) -> tuple[str, int]:
    host, _sep, port = target.rpartition(":")
    if not host:
        return target, default_port
    try:
        return host.strip("[]"), int(port)
    except ValueError:
        raise ValueError(_("%(target)s is not host:port") % {"target": target}) from None


def check_http(service: MonitoredService, now: datetime) -> Outcome:
    timeout = service.threshold or DEFAULT_TIMEOUT
    request = urllib.request.Request(service.target, method="GET", headers={"User-Agent": "Lantian-monitor"})
    started = timezone.now()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    except (urllib.error.URLError, OSError, ValueError) as error:
        return False, None, str(getattr(error, "reason", error))[:300]
    seconds = (timezone.now() - started).total_seconds()
    return status < 400, seconds, f"HTTP {status}"


def check_tcp(service: MonitoredService, now: datetime) -> Outcome:
    host, port = _host_port(service.target, 80)
    started = timezone.now()
    try:
        with socket.create_connection((host, port), timeout=service.threshold or DEFAULT_TIMEOUT):
            pass
    except OSError as error:
        return False, None, str(error)[:300]
    return True, (timezone.now() - started).total_seconds(), _("port open")


def check_certificate(service: MonitoredService, now: datetime) -> Outcome:
    host, port = _host_port(service.target, 443)
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # expiry is what is measured here, not trust
    try:
        with (
            socket.create_connection((host, port), timeout=DEFAULT_TIMEOUT) as raw,
            context.wrap_socket(raw, server_hostname=host) as tls,
        ):
            der = tls.getpeercert(binary_form=True)
    except (OSError, ssl.SSLError) as error:
        return False, None, str(error)[:300]
    expires = certificate_expiry(der)
    days = (expires - now).total_seconds() / 86400
    return (
        days >= (service.threshold or 14),
        days,
        _("expires %(date)s") % {"date": expires.date().isoformat()},
    )


def certificate_expiry(der: bytes) -> datetime:
    """notAfter of a DER certificate."""
    from cryptography import x509

    return x509.load_der_x509_certificate(der).not_valid_after_utc


def check_disk(service: MonitoredService, now: datetime) -> Outcome:
    try:
        usage = shutil.disk_usage(service.target)
    except OSError as error:
        return False, None, str(error)[:300]
    free = 100.0 * usage.free / usage.total
    return free >= (service.threshold or 10), free, _("%(free).1f %% free") % {"free": free}


def check_queue(service: MonitoredService, now: datetime) -> Outcome:
    from lantian.core.models import Job

    oldest = (
        Job.objects.filter(status=Job.Status.PENDING)
        .order_by("created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    minutes = 0.0 if oldest is None else (now - oldest).total_seconds() / 60
    return (
        minutes <= (service.threshold or 30),
        minutes,
        _("oldest waiting job: %(m).0f min") % {"m": minutes},
    )


def check_hj212(service: MonitoredService, now: datetime) -> Outcome:
    from lantian.hj212.models import OFFLINE_AFTER_MISSED_INTERVALS, Device

    client = service.contract.client
    devices = Device.objects.filter(is_active=True, organization__path__startswith=client.path).values_list(
        "last_seen_at", "interval"
    )
    total = online = 0
    for last_seen, interval in devices.iterator():
        total += 1
        limit = timedelta(seconds=(interval or 60) * OFFLINE_AFTER_MISSED_INTERVALS)
        online += last_seen is not None and now - last_seen <= limit
    if not total:
        return True, None, _("no devices")
    rate = 100.0 * online / total
    message = _("%(online)d of %(total)d devices online") % {"online": online, "total": total}
    return rate >= (service.threshold or 90), rate, message


CHECKS = {
    Kind.HTTP: check_http,
    Kind.TCP: check_tcp,
    Kind.CERTIFICATE: check_certificate,
    Kind.DISK: check_disk,
    Kind.QUEUE: check_queue,
    Kind.HJ212: check_hj212,
}


def run_check(service: MonitoredService, now: datetime) -> CheckResult:
    try:
        passed, value, message = CHECKS[service.kind](service, now)
    except ValueError as error:
        passed, value, message = False, None, str(error)[:300]
    result = CheckResult.objects.create(
        service=service, checked_at=now, ok=passed, value=value, message=message
    )
    MonitoredService.objects.filter(pk=service.pk).update(
        last_ok=passed, last_checked_at=now, last_message=message
    )
    if not passed:
        open_incident_for(service, message, now)
    return result


def open_incident_for(service: MonitoredService, message: str, now: datetime) -> Incident | None:
    """One open incident per failing service: a new one only if none is open."""
    with transaction.atomic():
        if Incident.objects.filter(service=service, resolved_at__isnull=True).exists():
            return None
        severity = service.severity or service.contract.levels.order_by("-rank").first()
        if severity is None:
            return None
        return Incident.objects.create(
            contract=service.contract,
            service=service,
            severity=severity,
            kind=Incident.Kind.INCIDENT,
            channel=Incident.Channel.MONITORING,
            system=service.name[:100],
            reported_at=now,
            reported_by=_("monitoring"),
            title=(_("Check failed: %(service)s") % {"service": service.name})[:200],
            description=message,
        )


def run_all(now: datetime) -> tuple[int, int]:
    services = list(
        MonitoredService.objects.filter(active=True).select_related("contract__client", "severity")
    )
    failed = sum(not run_check(service, now).ok for service in services)
    return len(services), failed
