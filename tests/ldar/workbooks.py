"""A plant's seal-point archive as the plant sends it: one xlsx sheet, Chinese headers, one row per seal
point naming its unit, area, equipment and group by code and name."""

import io

from openpyxl import Workbook

HEADERS = (
    "企业名称",
    "装置编码",
    "装置名称",
    "区域编码",
    "区域名称",
    "设备编码",
    "设备名称",
    "群组编码",
    "群组名称",
    "密封点编码",
    "密封点类型",
    "扩展号",
    "物料名称",
    "物料状态",
    "是否保温保冷",
    "公称直径",
    "高度(m)",
    "距离(m)",
    "是否可达",
    "不可达原因",
    "是否有效",
)
STATE_WORDS = {"gas": "气体", "light_liquid": "轻液", "heavy_liquid": "重液"}


def cells(row: dict, enterprise: str | None) -> list:
    return [
        enterprise or "",
        row["unit_code"],
        row["unit_name"],
        row["area_code"],
        row["area_name"],
        row["equipment_code"],
        row["equipment_name"],
        row["group_code"],
        row["group_name"],
        row["code"],
        row["type_name"],
        row["extension_number"],
        row["material"],
        STATE_WORDS[row["state"]],
        "是" if row["insulated"] else "否",
        row["dn"],
        row["height"],
        row["distance"],
        "是" if row["accessible"] else "否",
        row["reason"],
        "是" if row["valid"] else "否",
    ]


def workbook(headers, rows) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("密封点台账")
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def plant_workbook(layout: list[dict], enterprise: str | None = None) -> bytes:
    """The layout as a workbook; without ``enterprise`` the enterprise column is left out."""
    if enterprise is None:
        return workbook(HEADERS[1:], (cells(row, None)[1:] for row in layout))
    return workbook(HEADERS, (cells(row, enterprise) for row in layout))
