"""The demo county's air stations played live against the HJ 212 gateway (issue 15 item 7).

Every station with an HJ 212 device sends, on the real clock (or on a clock that replays the last
hours faster and then runs with the real one, ``speed``/``backfill``):

- a real-time packet (2011, ``Rtd`` and ``Flag`` of each parameter it measures) every ``interval``
  seconds, its DataTime on the interval's grid;
- at each full hour the hour's packet (2061: ``Avg``/``Min``/``Max``/``Flag`` of the real-time
  readings it took in that hour, DataTime the hour's start — what ``pipeline`` turns into the hourly
  table).

The readings continue the demo year (``synthetic``): the same diurnal and seasonal shape per
parameter (``synthetic.profile``), a regional signal shared by the county's stations that wanders
like the demo's (a mean-reverting random walk of its logarithm), each station's own offsets and
noise. ``load_stations`` calibrates the offsets and the regional level on the stations' last days of
hourly values, so the live data carry on where the stored data stop. The demo's faulty stations
(``demo.FAULTY_MNS``) now and then misbehave as in the demo year: a stuck PM2.5 sensor, PM2.5 above
PM10, negative NO2, or a few silent hours.

The protocol side is the HJ 212 simulator's (``lantian.hj212.simulator``): its connections,
acknowledgement checks, reconnection after a gateway restart with everything unacknowledged sent
again. A station asks for the time on connecting (1013) and answers the platform's commands (set
time 1012, get time 1011, real-time interval 1061/1062) with 9011 and 9012 as HJ 212-2017 says.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import random
import time
import zlib
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from lantian.hj212 import replies
from lantian.hj212.cp import CP, parse_timestamp
from lantian.hj212.packet import Packet, Version, make_flag, new_qn
from lantian.hj212.simulator import SimulatedDevice, Simulation
from lantian.hj212.storage import DEVICE_TIME_ZONE

from .parameters import BY_KEY
from .synthetic import PROFILES, profile, season_of

REGIONAL = ("SO2", "NO2", "PM10", "CO", "PM2.5")  # the keys the regional signal moves (as synthetic)
ORDER = ("PM2.5",)  # measured first: PM10 follows PM2.5
REGION_SD, REGION_TAU = 0.25, 36 * 3600.0  # log sd and time constant (s) of the county's signal
LOCAL_SD, LOCAL_TAU = 0.16, 1.5 * 3600.0  # a station's own wandering around its offset
READING_SD = 0.04  # instrument noise of one reading (relative)
FAULTS = {  # kind: (shortest, longest) hours; as the demo year's faulty instruments
    "stuck": (4, 10),  # PM2.5 reads the same value (anomaly rule "constant values")
    "pm_inverted": (3, 8),  # PM2.5 above PM10
    "negative": (2, 5),  # NO2 reads −3
    "silent": (2, 6),  # nothing sent: the device goes offline, the hours are missing
}
HISTORY = 200  # packets each station keeps of what it sent (tests and the log read them)


def local_now() -> datetime:
    """Now as the devices' clocks read it: Asia/Shanghai wall time, naive (HJ 212 DataTime)."""
    return datetime.now(DEVICE_TIME_ZONE).replace(tzinfo=None)


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y%m%d%H%M%S")


def _hour(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


def typical(key: str, moment: datetime) -> float:
    """The demo year's shape for ``key`` at ``moment``. The demo's value of an hour is the shape at
    the hour's start, so a reading at 08:30 takes the shape at 08:00, and an hour's readings average
    to the demo's value of that hour."""
    hour = moment.hour + moment.minute / 60 + moment.second / 3600 - 0.5
    return float(profile(key, season_of(moment.timetuple().tm_yday), hour))


class Region:
    """The county's shared pollution signal: ``factor`` = exp(an Ornstein–Uhlenbeck process)."""

    def __init__(self, rng: random.Random, log_level: float = 0.0) -> None:
        self.rng, self.log = rng, log_level
        self.at: datetime | None = None

    def advance(self, moment: datetime) -> float:
        if self.at is not None and moment > self.at:
            self.log = _ou(self.log, (moment - self.at).total_seconds(), REGION_SD, REGION_TAU, self.rng)
        self.at = moment if self.at is None else max(self.at, moment)
        return math.exp(self.log)


def _ou(x: float, seconds: float, sd: float, tau: float, rng: random.Random) -> float:
    decay = math.exp(-seconds / tau)
    return x * decay + sd * math.sqrt(1 - decay * decay) * rng.gauss(0, 1)


@dataclass
class Fault:
    kind: str
    until: datetime
    value: float | None = None  # the stuck reading


@dataclass
class StationModel:
    """One station's instruments: offsets (``factors``: ratios, for TEMP a difference in ℃), its
    own slow wandering, reading noise and, for a faulty station, an occasional fault."""

    keys: list[str]
    factors: dict[str, float]
    rng: random.Random
    faulty: bool = False
    fault_rate: float = 0.02  # faults per hour of a faulty station
    local: dict[str, float] = field(default_factory=dict)
    fault: Fault | None = None
    at: datetime | None = None

    def reading(self, moment: datetime, regional: float) -> dict[str, float] | None:
        """key → value at ``moment`` rounded as the instrument reports it; None while silent."""
        seconds = 0.0 if self.at is None else max((moment - self.at).total_seconds(), 0.0)
        self.at = moment
        self._fault(moment, seconds)
        if self.fault is not None and self.fault.kind == "silent":
            return None
        values: dict[str, float] = {}
        for key in sorted(self.keys, key=lambda k: k not in ORDER):
            if key not in PROFILES:
                continue
            base = typical(key, moment)
            local = self.local[key] = _ou(
                self.local.get(key, self.rng.gauss(0, LOCAL_SD)), seconds, LOCAL_SD, LOCAL_TAU, self.rng
            )
            if key == "WD":
                value = (base + 40 * local / LOCAL_SD + self.rng.gauss(0, 8)) % 360
            elif key == "TEMP":
                value = base + self.factors.get(key, 0.0) + 2.5 * local + self.rng.gauss(0, 0.1)
            else:
                value = base * self.factors.get(key, 1.0) * math.exp(local + self.rng.gauss(0, READING_SD))
                if key in REGIONAL:
                    value *= regional
                if key == "RH":
                    value = min(value, 100.0)
                if key == "PM10" and "PM2.5" in values:
                    value = max(value, values["PM2.5"] * 1.15)
            values[key] = max(value, 0.0)
        self._misbehave(values)
        return {key: round(value, PROFILES[key][4]) for key, value in values.items()}

    def _fault(self, moment: datetime, seconds: float) -> None:
        if self.fault is not None and moment >= self.fault.until:
            self.fault = None
        if self.fault is None and self.faulty and self.rng.random() < self.fault_rate * seconds / 3600:
            kind = self.rng.choice(sorted(FAULTS))
            shortest, longest = FAULTS[kind]
            self.fault = Fault(kind, moment + timedelta(hours=self.rng.uniform(shortest, longest)))

    def _misbehave(self, values: dict[str, float]) -> None:
        fault = self.fault
        if fault is None:
            return
        if fault.kind == "stuck" and "PM2.5" in values:
            if fault.value is None:
                fault.value = round(values["PM2.5"], PROFILES["PM2.5"][4])
            values["PM2.5"] = fault.value
        elif fault.kind == "pm_inverted" and "PM2.5" in values and "PM10" in values:
            values["PM2.5"] = values["PM10"] * 1.4
        elif fault.kind == "negative" and "NO2" in values:
            values["NO2"] = -3.0


@dataclass
class HourTally:
    """The real-time readings of one hour, for its hourly packet."""

    start: datetime
    sums: dict[str, float] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    lows: dict[str, float] = field(default_factory=dict)
    highs: dict[str, float] = field(default_factory=dict)

    def add(self, values: dict[str, float]) -> None:
        for key, value in values.items():
            self.sums[key] = self.sums.get(key, 0.0) + value
            self.counts[key] = self.counts.get(key, 0) + 1
            self.lows[key] = min(self.lows.get(key, value), value)
            self.highs[key] = max(self.highs.get(key, value), value)

    def averages(self) -> dict[str, float]:
        return {key: round(self.sums[key] / self.counts[key], PROFILES[key][4]) for key in self.sums}


def realtime_cp(values: dict[str, float]) -> str:
    return ";".join(f"{_code(key)}-Rtd={_text(key, v)},{_code(key)}-Flag=N" for key, v in values.items())


def hourly_cp(tally: HourTally) -> str:
    groups = []
    for key, average in tally.averages().items():
        code = _code(key)
        groups.append(
            f"{code}-Avg={_text(key, average)},{code}-Min={_text(key, tally.lows[key])},"
            f"{code}-Max={_text(key, tally.highs[key])},{code}-Flag=N"
        )
    return ";".join(groups)


def _code(key: str) -> str:
    return BY_KEY[key].hj212


def _text(key: str, value: float) -> str:
    return f"{value:.{PROFILES[key][4]}f}"


@dataclass(eq=False)
class LiveStation(SimulatedDevice):
    """A station's data logger: an HJ 212 device whose next packet is the one its schedule made."""

    code: str = ""
    model: StationModel | None = None
    lag: float = 0.0  # seconds after a grid time the packet leaves (stations do not all send at once)
    due: datetime | None = None  # DataTime of the next real-time packet
    tally: HourTally | None = None
    sent: deque = field(default_factory=lambda: deque(maxlen=HISTORY))  # (CN, DataTime, key → value)
    clock_offset: float | None = None  # seconds the platform's clock (1012) was ahead of ours
    _outgoing: tuple[str, datetime, str] | None = None

    def _next(self) -> tuple[str, str, str]:
        cn, moment, values = self._outgoing
        self.sequence += 1
        stamp = _stamp(moment)
        return f"{stamp}{self.sequence % 1000:03d}", cn, f"DataTime={stamp};{values}"


class SimClock:
    """The stations' clock: starts at ``start`` (device local time), runs ``speed`` times faster than
    the real one until it has caught up with it, then with it."""

    def __init__(self, start: datetime, speed: float = 1.0) -> None:
        self.start, self.speed = start, max(speed, 1.0)
        self.started = time.monotonic()

    def now(self) -> datetime:
        replayed = self.start + timedelta(seconds=(time.monotonic() - self.started) * self.speed)
        return min(replayed, local_now())

    def real_seconds(self, until: datetime) -> float:
        """Real seconds until the clock reads ``until`` (about)."""
        now = self.now()
        ahead = (until - now).total_seconds()
        if ahead <= 0:
            return 0.0
        return ahead if now >= local_now() - timedelta(seconds=1) else ahead / self.speed


class LiveNetwork(Simulation):
    """Plays ``stations`` against the gateway at ``host:port`` until ``stop()`` or ``duration`` real
    seconds. ``run()`` returns the HJ 212 simulator's report (acknowledgements, refusals)."""

    def __init__(
        self,
        stations: list[LiveStation],
        host: str,
        port: int,
        *,
        clock: SimClock,
        region: Region,
        duration: float | None = None,
        ack_timeout: float = 10.0,
        log=None,
        log_every: float = 300.0,
    ) -> None:
        super().__init__(stations, host, port, duration=duration, ack_timeout=ack_timeout, reconnect=True)
        self.stations = stations
        self.clock, self.region = clock, region
        self.log = log or (lambda line: None)
        self.log_every = log_every
        self.counts = {"2011": 0, "2061": 0, "commands": 0, "connections": 0}
        self._stop = False
        self._wake = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None

    # ------------------------------------------------------------------------------- control
    def stop(self) -> None:
        """Stop sending (call in the loop's thread, or through ``stop_threadsafe``)."""
        self._stop = True
        self._wake.set()

    def stop_threadsafe(self) -> None:
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self.stop)

    async def _nap(self, seconds: float) -> None:
        """Sleep ``seconds``, or less if ``stop()`` is called meanwhile."""
        self._wake.clear()
        if self._stop:
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), seconds)

    async def run(self):
        self._loop = asyncio.get_running_loop()
        return await super().run()

    def summary(self) -> str:
        return (
            f"{len(self.stations)} stations: {self.counts['2011']} real-time and {self.counts['2061']} "
            f"hourly packets, {self.counts['commands']} commands answered, "
            f"{self.counts['connections']} connections; {self.report.summary()}"
        )

    # ------------------------------------------------------------------------------- schedule
    async def _pace(self, order, started: float) -> None:
        now = self.clock.now()
        for station in self.stations:
            station.due = _next_grid(now, station.interval)
            station.tally = HourTally(_hour(station.due))
        logged = time.monotonic()
        while not self._stop:
            if self.duration is not None and time.perf_counter() - started >= self.duration:
                return
            now = self.clock.now()
            for station in self.stations:
                while station.due + timedelta(seconds=station.lag) <= now and not self._stop:
                    await self._step(station)
            if time.monotonic() - logged >= self.log_every:
                logged = time.monotonic()
                self.log(self.summary())
                self.report.acked_keys.clear()  # kept by the HJ 212 simulator for its checks: bounded here
                del self.report.latencies[:-10_000]
            wake = min(s.due + timedelta(seconds=s.lag) for s in self.stations)
            wait = min(max(self.clock.real_seconds(wake), 0.001), 0.5)
            if self.duration is not None:
                wait = min(wait, max(self.duration - (time.perf_counter() - started), 0.001))
            await self._nap(wait)

    async def _step(self, station: LiveStation) -> None:
        moment = station.due
        station.due = moment + timedelta(seconds=station.interval)
        regional = self.region.advance(moment)
        values = station.model.reading(moment, regional)
        if _hour(moment) > station.tally.start:
            if station.tally.sums:
                await self._send(station, "2061", station.tally.start, hourly_cp(station.tally))
                station.sent.append(("2061", station.tally.start, station.tally.averages()))
            station.tally = HourTally(_hour(moment))
        if values is None:
            return  # silent: the logger sends nothing
        station.tally.add(values)
        await self._send(station, "2011", moment, realtime_cp(values))
        station.sent.append(("2011", moment, values))

    async def _send(self, station: LiveStation, cn: str, moment: datetime, cp: str) -> None:
        station._outgoing = (cn, moment, cp)
        frames = self._frames(station)  # remembered until acknowledged, sent again after a reconnect
        self.counts[cn] += 1
        link = self._links.get(station.mn)
        if link is not None and link.up:
            link.transport.write(frames[0] if len(frames) == 1 else b"".join(frames))
            if not link.writable.is_set():
                await link.writable.wait()  # the gateway is not reading: TCP holds the station back

    # ------------------------------------------------------------------------------- connection
    async def _connect(self, device: LiveStation):
        """Connect, waiting for the gateway as long as it takes (it may be starting or restarting),
        then ask for the time (1013) as a data logger does when it comes online."""
        pause = 0.2
        while True:
            if self._stop:
                raise ConnectionError(f"{device.mn}: stopped before the gateway answered")
            try:
                link = await super()._connect(device)
                break
            except OSError:
                await self._nap(pause)
                pause = min(pause * 2, 5.0)
        self.counts["connections"] += 1
        request = Packet(
            qn=new_qn(local_now()),
            st=device.st,
            cn=replies.CN_TIME_CALIBRATION_REQUEST,
            pw=device.password,
            mn=device.mn,
            flag=make_flag(device.version),
            cp=CP(),
        )
        link.transport.write(device.encode(request))
        return link

    async def _come_back(self, device: LiveStation) -> None:
        if not self._stop:
            self.log(f"{device.code} {device.mn}: connection lost, reconnecting")
        await super()._come_back(device)

    # ------------------------------------------------------------------------------- commands
    def _on_reply(self, device: LiveStation, reply: Packet) -> None:
        if reply.cn in (replies.CN_DATA_ANSWER, replies.CN_REQUEST_ANSWER):
            if reply.cn == replies.CN_REQUEST_ANSWER and (reply.mn, reply.qn) not in self._refusals:
                self.log(f"{device.code} {device.mn}: refused, QnRtn={reply.cp.get('QnRtn')}")
            super()._on_reply(device, reply)
            return
        answers = self._answer(device, reply)
        link = self._links.get(device.mn)
        if link is not None and link.up:
            link.transport.write(b"".join(device.encode(answer) for answer in answers))
        self.counts["commands"] += 1

    def _answer(self, device: LiveStation, command: Packet) -> list[Packet]:
        """HJ 212-2017 附录C: a command is accepted (9011), carried out, its result given (9012)."""
        accepted = replies.request_answer(command)
        done = replies.execution_result(command)
        if command.cn == replies.CN_SET_TIME:
            system_time = parse_timestamp(command.cp.get("SystemTime") or "")
            if system_time is not None:
                device.clock_offset = (system_time - self.clock.now()).total_seconds()
            return [accepted, done]
        if command.cn == replies.CN_GET_TIME:
            return [accepted, self._upload(device, command, {"SystemTime": _stamp(self.clock.now())}), done]
        if command.cn == replies.CN_GET_RTD_INTERVAL:
            return [accepted, self._upload(device, command, {"RtdInterval": device.interval}), done]
        if command.cn == replies.CN_SET_RTD_INTERVAL:
            seconds = command.cp.get("RtdInterval") or ""
            if not seconds.isdigit() or not 1 <= int(seconds) <= 3600:
                return [replies.request_answer(command, 2)]  # QnRtn 2: 执行拒绝
            device.interval = int(seconds)
            device.due = _next_grid(self.clock.now(), device.interval)
            return [accepted, done]
        return [replies.request_answer(command, 2)]

    @staticmethod
    def _upload(device: LiveStation, command: Packet, fields: dict) -> Packet:
        """The answer carrying the asked value: the command's CN and QN, sent by the device."""
        return Packet(
            qn=command.qn,
            st=device.st,
            cn=command.cn,
            pw=device.password,
            mn=device.mn,
            flag=make_flag(device.version),
            cp=fields,
        )


def _next_grid(moment: datetime, interval: int) -> datetime:
    """The first time at or after ``moment`` on the ``interval`` grid counted from midnight."""
    midnight = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    elapsed = math.ceil((moment - midnight).total_seconds() / interval - 1e-9)
    return midnight + timedelta(seconds=elapsed * interval)


def make_station(
    code: str,
    mn: str,
    password: str,
    keys: list[str],
    factors: dict[str, float],
    *,
    interval: int = 30,
    faulty: bool = False,
    fault_rate: float = 0.02,
    key: bytes | None = None,
    seed: int = 2025,
) -> LiveStation:
    rng = random.Random(zlib.crc32(f"{seed}:{mn}".encode()))
    return LiveStation(
        mn=mn,
        password=password,
        kind="air",
        version=Version.HJ212_2025 if key else Version.HJ212_2017,
        key=key,
        interval=interval,
        rng=random.Random(rng.random()),
        code=code,
        model=StationModel(list(keys), dict(factors), random.Random(rng.random()), faulty, fault_rate),
        lag=rng.uniform(0, min(5.0, interval / 3)),
    )


# ---------------------------------------------------------------------------------- the database
CALIBRATION_HOURS = 72  # hours of stored values the offsets are taken from
CURRENT_HOURS = 6  # hours the regional level starts from


def load_stations(
    *,
    limit: int | None = None,
    codes: list[str] | None = None,
    interval: int = 30,
    fault_rate: float = 0.02,
    seed: int = 2025,
) -> tuple[list[LiveStation], float]:
    """The active stations that have an active HJ 212 device (by code; the first ``limit``, or those
    of ``codes``), each calibrated on its stored hourly values; and the log of the regional level the
    county is at now (0 without data)."""
    from django.db.models import Q
    from django.utils import timezone

    from .demo import FAULTY_MNS
    from .models import Station

    today = timezone.localdate()
    stations = (
        Station.objects.filter(device__isnull=False, device__is_active=True, active_from__lte=today)
        .filter(Q(active_until__isnull=True) | Q(active_until__gte=today))
        .select_related("device")
        .order_by("code")
    )
    if codes:
        stations = stations.filter(code__in=codes)
    stations = list(stations[:limit] if limit else stations)
    factors, region_log = calibrate([s.pk for s in stations])
    live = []
    for station in stations:
        device = station.device
        keys = [key for key in station.parameter_keys if key in PROFILES]
        live.append(
            make_station(
                station.code,
                device.mn,
                device.password,
                keys,
                factors.get(station.pk) or _default_factors(station.code, keys, seed),
                interval=interval,
                faulty=device.mn in FAULTY_MNS,
                fault_rate=fault_rate,
                key=bytes.fromhex(device.sm4_key) if device.sm4_key else None,
                seed=seed,
            )
        )
    return live, region_log


def _default_factors(code: str, keys: list[str], seed: int) -> dict[str, float]:
    """A station without stored data: offsets drawn as the demo year draws them (lognormal 0.12)."""
    rng = random.Random(zlib.crc32(f"{seed}:{code}:offsets".encode()))
    return {key: (rng.gauss(0, 1.0) if key == "TEMP" else rng.lognormvariate(0, 0.12)) for key in keys}


def calibrate(station_ids: list[int]) -> tuple[dict[int, dict[str, float]], float]:
    """Per station, each parameter's offset from the demo shape over its last CALIBRATION_HOURS
    stored hours (medians: a fault does not move them); and the regional level of the last
    CURRENT_HOURS (log of the median PM2.5 ratio of all stations). The regional keys' offsets are
    taken relative to that hour's county-wide ratio, so that the regional signal is not counted
    twice."""
    import numpy as np
    from django.db.models import Max
    from django.utils import timezone

    from .models import HourlyValue
    from .parameters import BY_ID

    if not station_ids:
        return {}, 0.0
    newest = HourlyValue.objects.filter(station_id__in=station_ids).aggregate(t=Max("time"))["t"]
    if newest is None:
        return {}, 0.0
    start = newest - timedelta(hours=CALIBRATION_HOURS - 1)
    rows = HourlyValue.objects.filter(
        station_id__in=station_ids, time__gte=start, valid=True, value__isnull=False
    ).values_list("station_id", "time", "parameter", "value")
    shapes: dict[tuple[str, datetime], float] = {}
    ratios: dict[tuple[int, str], dict[datetime, float]] = {}
    for station_id, moment, parameter, value in rows.iterator(chunk_size=20_000):
        key = BY_ID[parameter].key
        if key not in PROFILES or key == "WD":
            continue
        base = shapes.get((key, moment))
        if base is None:
            local = timezone.localtime(moment, DEVICE_TIME_ZONE).replace(tzinfo=None)
            base = shapes[(key, moment)] = typical(key, local + timedelta(minutes=30))
        if key == "TEMP":
            ratio = value - base
        elif value > 0 and base > 0:
            ratio = value / base
        else:
            continue
        ratios.setdefault((station_id, key), {})[moment] = ratio
    by_hour: dict[datetime, list[float]] = {}
    for (_station, key), series in ratios.items():
        if key == "PM2.5":
            for moment, ratio in series.items():
                by_hour.setdefault(moment, []).append(ratio)
    county = {moment: float(np.median(values)) for moment, values in by_hour.items()}
    recent = [county[m] for m in sorted(county)[-CURRENT_HOURS:]]
    region_log = float(np.clip(math.log(np.mean(recent)), -1.5, 1.5)) if recent else 0.0
    factors: dict[int, dict[str, float]] = {}
    for (station_id, key), series in ratios.items():
        if key == "TEMP":
            offset = float(np.clip(np.median(list(series.values())), -8, 8))
        elif key in REGIONAL and county:
            relative = [ratio / county[m] for m, ratio in series.items() if county.get(m)]
            if not relative:
                continue
            offset = float(np.clip(np.median(relative), 0.2, 5.0))
        else:
            offset = float(np.clip(np.median(list(series.values())), 0.2, 5.0))
        factors.setdefault(station_id, {})[key] = offset
    return factors, region_log
