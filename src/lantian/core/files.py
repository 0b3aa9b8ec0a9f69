"""Uploaded files (core.md "Security"): the type read from the bytes, a size limit, thumbnails.

A file's name and the browser's content type are claims; ``sniff`` reads what the file is from its
own bytes. ``settings.LANTIAN_ATTACHMENT_TYPES`` lists the keys of ``FILE_TYPES`` that are
accepted; a few more types are recognised only to say clearly why they are refused.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import re
import struct
import uuid
import warnings
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, ImageOps

THUMBNAIL_SIZE = 320  # pixels, the longer side
CHUNK = 64 * 1024


@dataclass(frozen=True)
class FileType:
    key: str
    extension: str  # of the stored file, from the content, never from the uploaded name
    mime_type: str
    label: str
    pillow_format: str | None = None  # images: the format Pillow must agree on

    @property
    def is_image(self) -> bool:
        return self.pillow_format is not None


_TYPES = (
    FileType("pdf", "pdf", "application/pdf", gettext_lazy("PDF document")),
    FileType("png", "png", "image/png", gettext_lazy("PNG image"), "PNG"),
    FileType("jpeg", "jpg", "image/jpeg", gettext_lazy("JPEG image"), "JPEG"),
    FileType("gif", "gif", "image/gif", gettext_lazy("GIF image"), "GIF"),
    FileType("webp", "webp", "image/webp", gettext_lazy("WebP image"), "WEBP"),
    FileType(
        "docx",
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        gettext_lazy("Word document"),
    ),
    FileType(
        "xlsx",
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        gettext_lazy("Excel workbook"),
    ),
    FileType(
        "pptx",
        "pptx",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        gettext_lazy("PowerPoint presentation"),
    ),
    FileType("doc", "doc", "application/msword", gettext_lazy("Word 97–2003 document")),
    FileType("xls", "xls", "application/vnd.ms-excel", gettext_lazy("Excel 97–2003 workbook")),
    FileType("txt", "txt", "text/plain", gettext_lazy("plain text")),
    FileType("csv", "csv", "text/csv", gettext_lazy("CSV text")),
    # Recognised only to be refused by name.
    FileType("zip", "zip", "application/zip", gettext_lazy("ZIP archive (or an Office file with macros)")),
    FileType("ole2", "bin", "application/x-ole-storage", gettext_lazy("other Microsoft Office file")),
    FileType("exe", "exe", "application/x-msdownload", gettext_lazy("Windows program")),
    FileType("elf", "elf", "application/x-executable", gettext_lazy("Linux program")),
)
FILE_TYPES = {file_type.key: file_type for file_type in _TYPES}

# The main part of each accepted OOXML package; macro-enabled and template variants differ.
OOXML_MAIN_PARTS = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
}
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def sniff(file, name: str = "") -> FileType | None:
    """The type of a seekable binary file, read from its content; None if unrecognised.

    Only plain text is told apart by ``name``: a CSV file and a text file have the same bytes.
    """
    file.seek(0)
    head = file.read(16)
    if head.startswith(b"%PDF-"):
        found = "pdf"
    elif head.startswith(b"\x89PNG\r\n\x1a\n"):
        found = "png"
    elif head.startswith(b"\xff\xd8\xff"):
        found = "jpeg"
    elif head[:6] in (b"GIF87a", b"GIF89a"):
        found = "gif"
    elif head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        found = "webp"
    elif head.startswith(b"PK\x03\x04"):
        found = _ooxml_type(file) or "zip"
    elif head.startswith(OLE2_MAGIC):
        found = _ole2_type(file)
    elif head.startswith(b"MZ"):
        found = "exe"
    elif head.startswith(b"\x7fELF"):
        found = "elf"
    elif _is_text(file):
        found = "csv" if name.lower().endswith(".csv") else "txt"
    else:
        found = None
    file.seek(0)
    return FILE_TYPES[found] if found else None


def _ooxml_type(file) -> str | None:
    try:
        file.seek(0)
        with zipfile.ZipFile(file) as archive:
            info = archive.getinfo("[Content_Types].xml")
            if info.file_size > 1024 * 1024:
                return None
            declared = archive.read(info)
    except (KeyError, zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError, EOFError):
        return None
    for key, main in OOXML_MAIN_PARTS.items():
        if re.search(rb"ContentType\s*=\s*[\"']" + re.escape(main.encode()) + rb"[\"']", declared):
            return key
    return None


def _ole2_type(file) -> str:
    """doc or xls by the streams of the compound file (MS-CFB), else the generic ``ole2``."""
    try:
        streams = _ole2_stream_names(file)
    except (struct.error, ValueError, OSError):
        return "ole2"
    if "WordDocument" in streams:
        return "doc"
    if streams & {"Workbook", "Book"}:
        return "xls"
    return "ole2"


def _ole2_stream_names(file) -> set[str]:
    file.seek(0, io.SEEK_END)
    file_size = file.tell()
    file.seek(0)
    header = file.read(512)
    sector_shift = struct.unpack_from("<H", header, 30)[0]
    if sector_shift not in (9, 12):
        raise ValueError("sector size")
    sector_size = 1 << sector_shift
    per_sector = sector_size // 4
    max_sectors = file_size // sector_size + 1  # bounds every chain walked below
    fat_count, first_directory = struct.unpack_from("<II", header, 44)
    first_difat, difat_count = struct.unpack_from("<II", header, 68)

    def sector(number: int) -> bytes:
        if number >= max_sectors:
            raise ValueError("sector out of range")
        file.seek((number + 1) * sector_size)
        data = file.read(sector_size)
        if len(data) != sector_size:
            raise ValueError("truncated")
        return data

    fat_sectors = list(struct.unpack_from("<109I", header, 76))
    next_difat = first_difat
    for _step in range(min(difat_count, max_sectors)):
        if next_difat >= 0xFFFFFFFA:
            break
        entries = struct.unpack(f"<{per_sector}I", sector(next_difat))
        fat_sectors.extend(entries[:-1])
        next_difat = entries[-1]
    fat_sectors = fat_sectors[:fat_count]
    fat_cache: dict[int, tuple[int, ...]] = {}

    def next_sector(number: int) -> int:
        index = number // per_sector
        if index >= len(fat_sectors):
            raise ValueError("chain leaves the FAT")
        if index not in fat_cache:
            fat_cache[index] = struct.unpack(f"<{per_sector}I", sector(fat_sectors[index]))
        return fat_cache[index][number % per_sector]

    names = set()
    current = first_directory
    for _step in range(max_sectors):
        if current >= 0xFFFFFFFA:
            break
        data = sector(current)
        for offset in range(0, sector_size, 128):
            length, kind = struct.unpack_from("<HB", data, offset + 64)
            if kind in (1, 2) and 2 <= length <= 64:  # storage or stream
                names.add(data[offset : offset + length - 2].decode("utf-16-le", "replace"))
        current = next_sector(current)
    return names


def _is_text(file) -> bool:
    """UTF-8 (with or without BOM) or GB18030 text without control characters, and not empty."""
    for encoding in ("utf-8-sig", "gb18030"):
        file.seek(0)
        decoder = codecs.getincrementaldecoder(encoding)()
        seen = False
        try:
            while chunk := file.read(CHUNK):
                seen = True
                if CONTROL_CHARACTERS.search(decoder.decode(chunk)):
                    return False
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return seen
    return False


class RefusedFile(ValidationError):
    """An upload that is not accepted; the message says which file and why."""


def accepted_labels() -> str:
    return "、".join(str(FILE_TYPES[key].label) for key in settings.LANTIAN_ATTACHMENT_TYPES)


def check_upload(upload) -> FileType:
    """The detected type of an uploaded file, or RefusedFile if its size or content is not accepted."""
    name, limit = upload.name, settings.LANTIAN_ATTACHMENT_MAX_BYTES
    if upload.size > limit:
        raise RefusedFile(
            _("“%(name)s” is %(size)s, more than the limit of %(limit)s.")
            % {"name": name, "size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            code="size",
        )
    if upload.size == 0:
        raise RefusedFile(_("“%(name)s” is empty.") % {"name": name}, code="empty")
    file_type = sniff(upload, name)
    if file_type is None or file_type.key not in settings.LANTIAN_ATTACHMENT_TYPES:
        found = file_type.label if file_type else _("of no accepted kind")
        raise RefusedFile(
            _("“%(name)s” is not accepted: its content is %(found)s. Accepted are: %(accepted)s.")
            % {"name": name, "found": found, "accepted": accepted_labels()},
            code="type",
        )
    if file_type.is_image:
        _verify_image(upload, file_type)
    return file_type


def _verify_image(upload, file_type: FileType) -> None:
    try:
        upload.seek(0)
        with warnings.catch_warnings():
            # Above Image.MAX_IMAGE_PIXELS (about 89 megapixels) decoding a thumbnail costs too much memory.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload, formats=[file_type.pillow_format]) as image:
                image.verify()
    except (
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
        Image.UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
    ):
        raise RefusedFile(
            _("“%(name)s” looks like a %(type)s but cannot be read: the image is damaged or too large.")
            % {"name": upload.name, "type": file_type.label},
            code="image",
        ) from None
    finally:
        upload.seek(0)


def thumbnail(file) -> tuple[bytes, str]:
    """A copy of an image at most THUMBNAIL_SIZE pixels on its longer side: (bytes, extension)."""
    file.seek(0)
    with Image.open(file) as image:
        image.draft("RGB", (THUMBNAIL_SIZE * 2, THUMBNAIL_SIZE * 2))  # JPEG: decode at a reduced scale
        upright = ImageOps.exif_transpose(image)  # phone photos carry their rotation in EXIF
        upright.thumbnail((THUMBNAIL_SIZE, THUMBNAIL_SIZE))
        output = io.BytesIO()
        if upright.mode in ("RGBA", "LA", "P", "PA"):
            upright.convert("RGBA").save(output, "PNG", optimize=True)
            extension = "png"
        else:
            upright.convert("RGB").save(output, "JPEG", quality=85)
            extension = "jpg"
    file.seek(0)
    return output.getvalue(), extension


def sha256(file) -> str:
    file.seek(0)
    digest = hashlib.sha256()
    while chunk := file.read(CHUNK):
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


def attach(obj, uploads, user, description: str = "") -> list:
    """Attach uploaded files to ``obj``: every file is checked first, then all are stored, or none.

    Raises RefusedFile naming the first file refused; nothing is stored then. The caller has checked
    that ``user`` may change ``obj``.
    """
    from lantian.core.models import Attachment

    checked = [(upload, check_upload(upload)) for upload in uploads]
    stored: list[str] = []
    try:
        with transaction.atomic():
            attachments = []
            for upload, file_type in checked:
                attachment = Attachment(
                    target=obj,
                    original_name=upload.name[:255],
                    file_type=file_type.key,
                    mime_type=file_type.mime_type,
                    size=upload.size,
                    sha256=sha256(upload),
                    description=description[:200],
                    uploaded_by=user,
                )
                stem = f"attachments/{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}"
                if file_type.is_image:
                    content, extension = thumbnail(upload)
                    attachment.thumbnail.name = default_storage.save(
                        f"{stem}.thumb.{extension}", ContentFile(content)
                    )
                    stored.append(attachment.thumbnail.name)
                upload.seek(0)
                attachment.file.name = default_storage.save(f"{stem}.{file_type.extension}", upload)
                stored.append(attachment.file.name)
                attachment.save()
                attachments.append(attachment)
    except BaseException:
        for name in stored:
            default_storage.delete(name)
        raise
    return attachments


def detach(attachment) -> None:
    """Delete an attachment; its files go once the deletion is committed."""
    names = [name for name in (attachment.file.name, attachment.thumbnail.name) if name]
    attachment.delete()
    transaction.on_commit(lambda: [default_storage.delete(name) for name in names])
