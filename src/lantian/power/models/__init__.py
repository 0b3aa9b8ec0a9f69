from lantian.power.models.archive import (
    MonitoringPoint,
    PowerProfile,
    ProductionFacility,
    RunningThreshold,
    TreatmentFacility,
)
from lantian.power.models.events import AlarmEvent, AlarmRule, CheckCount, Finding
from lantian.power.models.series import CodeMapping, Quantity, Reading, Rollup, UnknownCode, Watermark

__all__ = [
    "AlarmEvent",
    "AlarmRule",
    "CheckCount",
    "CodeMapping",
    "Finding",
    "MonitoringPoint",
    "PowerProfile",
    "ProductionFacility",
    "Quantity",
    "Reading",
    "Rollup",
    "RunningThreshold",
    "TreatmentFacility",
    "UnknownCode",
    "Watermark",
]
