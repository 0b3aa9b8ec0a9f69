"""Charts as PNG images for generated documents (Word reports): grouped bar charts drawn with Pillow.

Chinese labels need a CJK font on the server: the first of ``LANTIAN_CHART_FONTS`` that exists is used
(Debian's fonts-noto-cjk by default, see docs/deployment.md); without one the chart is still drawn and
its labels fall back to Pillow's own font, which shows no Chinese.
"""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

from django.conf import settings
from PIL import Image, ImageDraw, ImageFont

DEFAULT_FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
)
PALETTE = ("#206bc4", "#d63939", "#f59f00", "#2fb344", "#ae3ec9")
MAX_BARS = 40  # groups drawn; a longer table is charted by its first rows


@cache
def _font_path() -> str | None:
    for candidate in getattr(settings, "LANTIAN_CHART_FONTS", DEFAULT_FONTS):
        if Path(candidate).is_file():
            return candidate
    return None


def font(size: int) -> ImageFont.ImageFont:
    path = _font_path()
    return ImageFont.truetype(path, size) if path else ImageFont.load_default(size)


def bar_chart(
    title: str, labels: list[str], series: list[tuple[str, list[float]]], width: int = 1400, height: int = 700
) -> bytes:
    """A grouped bar chart: one group per label, one bar per series, a legend and the values on top."""
    labels = [str(label) for label in labels[:MAX_BARS]]
    series = [(name, [float(v) for v in values[:MAX_BARS]]) for name, values in series]
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    title_font, text_font, small_font = font(30), font(20), font(16)
    draw.text((width // 2, 24), title, fill="#1d273b", font=title_font, anchor="mt")
    left, right, top, bottom = 90, width - 30, 110, height - 120
    top_value = max((v for _name, values in series for v in values), default=0) or 1
    draw.line((left, bottom, right, bottom), fill="#8a94a6", width=2)
    draw.line((left, top, left, bottom), fill="#8a94a6", width=2)
    for step in range(5):
        value = top_value * step / 4
        y = bottom - (bottom - top) * step / 4
        draw.line((left - 6, y, right, y), fill="#e6e8eb")
        draw.text((left - 10, y), f"{value:g}", fill="#5d6778", font=small_font, anchor="rm")
    for index, (name, _values) in enumerate(series):  # legend
        x = left + index * 220
        draw.rectangle((x, 66, x + 22, 84), fill=PALETTE[index % len(PALETTE)])
        draw.text((x + 30, 75), name, fill="#1d273b", font=text_font, anchor="lm")
    if labels:
        group = (right - left) / len(labels)
        bar = group * 0.8 / max(1, len(series))
        for i, label in enumerate(labels):
            x0 = left + i * group + group * 0.1
            for j, (_name, values) in enumerate(series):
                value = values[i] if i < len(values) else 0
                y = bottom - (bottom - top) * value / top_value
                draw.rectangle(
                    (x0 + j * bar, y, x0 + (j + 1) * bar - 2, bottom), fill=PALETTE[j % len(PALETTE)]
                )
                if value:
                    draw.text(
                        (x0 + (j + 0.5) * bar, y - 4),
                        f"{value:g}",
                        fill="#1d273b",
                        font=small_font,
                        anchor="mb",
                    )
            shown = label if len(label) <= 10 else label[:9] + "…"
            draw.text(
                (left + (i + 0.5) * group, bottom + 10), shown, fill="#1d273b", font=small_font, anchor="mt"
            )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
