"""Attachments and journal (core.md "Security", ARCHITECTURE rule 4): type by content, size limit,
thumbnails, scoped serving, change log."""

import io
import struct
import zipfile

import openpyxl
import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from lantian.core import files, review
from lantian.core.models import Attachment, JournalEntry, Role
from tests.conftest import make_user
from tests.testapp.models import Filing

pytestmark = pytest.mark.django_db


# --- sample files, made here so each is exactly what its test says ---


def png(width=40, height=20, mode="RGB") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, (width, height), "red").save(buffer, "PNG")
    return buffer.getvalue()


def jpeg_rotated(width=400, height=200) -> bytes:
    """A JPEG whose EXIF says "rotate 90°", as phones write them."""
    exif = Image.Exif()
    exif[0x0112] = 6
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "blue").save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(200)


def package(content_type: str | None, parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        if content_type is not None:
            archive.writestr(
                "[Content_Types].xml",
                '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                f'content-types"><Override PartName="/main.xml" ContentType="{content_type}"/></Types>',
            )
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def xlsx() -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active.append(["监测点", 1.5])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def compound_file(streams: list[str]) -> bytes:
    """A minimal MS-CFB (OLE2) file with the named streams, its directory over as many sectors as needed."""
    entries = [("Root Entry", 5), *((name, 2) for name in streams)]
    directory_sectors = (len(entries) + 3) // 4
    free, end, fat_sector = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
    header = bytearray(512)
    header[0:8] = files.OLE2_MAGIC
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<II", header, 44, 1, 1)  # one FAT sector; the directory starts at sector 1
    struct.pack_into("<III", header, 56, 4096, end, 0)
    struct.pack_into("<II", header, 68, end, 0)
    struct.pack_into("<109I", header, 76, 0, *([free] * 108))
    chain = [fat_sector] + [n + 2 for n in range(directory_sectors - 1)] + [end]
    fat = struct.pack("<128I", *(chain + [free] * (128 - len(chain))))
    directory = bytearray(512 * directory_sectors)
    for index, (name, kind) in enumerate(entries):
        encoded = name.encode("utf-16-le") + b"\x00\x00"
        directory[index * 128 : index * 128 + len(encoded)] = encoded
        struct.pack_into("<HB", directory, index * 128 + 64, len(encoded), kind)
    return bytes(header) + fat + bytes(directory)


def upload(name: str, content: bytes, content_type="application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def sniffed(name: str, content: bytes) -> str | None:
    found = files.sniff(io.BytesIO(content), name)
    return found.key if found else None


# --- content sniffing ---


def test_the_type_comes_from_the_bytes_not_the_name():
    assert sniffed("报告.pdf", png()) == "png"
    assert sniffed("photo.png", PDF) == "pdf"
    assert sniffed("scan.pdf", jpeg_rotated()) == "jpeg"
    assert sniffed("setup.pdf", EXE) == "exe"


def test_office_documents_are_told_from_plain_zip_archives():
    assert sniffed("table.zip", xlsx()) == "xlsx"
    word = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
    assert sniffed("a.bin", package(word, {"word/document.xml": b"<w/>"})) == "docx"
    macro_word = "application/vnd.ms-word.document.macroEnabled.main+xml"
    assert sniffed("a.docx", package(macro_word, {"word/vbaProject.bin": b"x"})) == "zip"
    assert sniffed("a.docx", package(None, {"readme.txt": b"hello"})) == "zip"


def test_legacy_office_files_are_told_apart_by_their_streams():
    assert sniffed("a.xls", compound_file(["WordDocument", "1Table"])) == "doc"
    assert sniffed("a.doc", compound_file(["Workbook"])) == "xls"
    # The fifth entry lies in the second directory sector, reached through the FAT chain.
    assert sniffed("a", compound_file(["SummaryInformation", "x", "y", "Book"])) == "xls"
    assert sniffed("setup.doc", compound_file(["SummaryInformation"])) == "ole2"
    assert sniffed("broken.doc", files.OLE2_MAGIC + bytes(100)) == "ole2"


def test_text_is_utf8_or_gbk_without_control_characters():
    assert sniffed("点位.csv", "点位,浓度\n甲,1.5\n".encode()) == "csv"
    assert sniffed("说明.txt", "说明文字".encode("gbk")) == "txt"
    assert sniffed("notes", "\ufeff带 BOM 的文本".encode()) == "txt"
    assert sniffed("data.csv", b"abc\x00\x01\x02") is None


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("setup.pdf", EXE, "Windows"),
        ("archive.docx", package(None, {"a.txt": b"x"}), "ZIP"),
        ("macro.doc", compound_file(["Macros"]), "Microsoft Office"),
        ("damaged.png", b"\x89PNG\r\n\x1a\n" + bytes(100), "damaged"),
        ("data.bin", bytes(range(256)) * 4, "of no accepted kind"),
    ],
)
def test_refused_files_say_why(settings, name, content, expected):
    settings.LANGUAGE_CODE = "en"
    with pytest.raises(files.RefusedFile) as refused:
        files.check_upload(upload(name, content))
    assert name in refused.value.message and expected in refused.value.message


def test_an_image_too_large_to_decode_is_refused(monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)
    with pytest.raises(files.RefusedFile) as refused:
        files.check_upload(upload("巨幅.png", png(40, 40)))
    assert refused.value.code == "image"
    assert files.check_upload(upload("小图.png", png(20, 20))).key == "png"


def test_the_size_limit_comes_from_the_settings(settings):
    settings.LANTIAN_ATTACHMENT_MAX_BYTES = 1024
    with pytest.raises(files.RefusedFile) as refused:
        files.check_upload(upload("big.pdf", PDF + bytes(2000)))
    assert refused.value.code == "size" and "big.pdf" in refused.value.message
    assert files.check_upload(upload("small.pdf", PDF)).key == "pdf"


# --- uploading, serving, deleting through the object's page ---


@pytest.fixture
def filing(tree):
    return Filing.objects.create(organization=tree.ent_a1, title="甲一化工排污备案")


def upload_url(obj) -> str:
    meta = obj._meta
    return reverse("core:attachment_add", args=[meta.app_label, meta.model_name, obj.pk])


def stored_names() -> set[str]:
    names = set()

    def walk(path):
        directories, found = default_storage.listdir(path)
        names.update(f"{path}/{name}" for name in found)
        for directory in directories:
            walk(f"{path}/{directory}")

    if default_storage.exists("attachments"):
        walk("attachments")
    return names


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_a_png_named_pdf_is_stored_as_a_png_with_its_thumbnail(tree, login, filing):
    client = login(tree.ent_a1_admin)
    content = png(1000, 500)
    response = client.post(
        upload_url(filing), {"file": upload("现场照片.pdf", content), "description": "排口"}
    )
    assert response.status_code == 302 and response["Location"].endswith("#attachments")
    attachment = Attachment.objects.get()
    assert (attachment.file_type, attachment.mime_type, attachment.size) == ("png", "image/png", len(content))
    assert attachment.original_name == "现场照片.pdf" and attachment.description == "排口"
    assert attachment.uploaded_by == tree.ent_a1_admin and attachment.target == filing
    assert attachment.file.name.startswith("attachments/") and attachment.file.name.endswith(".png")
    assert attachment.thumbnail.name == attachment.file.name.replace(".png", ".thumb.jpg")
    import hashlib

    assert attachment.sha256 == hashlib.sha256(content).hexdigest()
    with default_storage.open(attachment.thumbnail.name) as handle, Image.open(handle) as thumbnail:
        assert thumbnail.size == (320, 160)


def test_a_phone_photo_thumbnail_stands_upright(tree, filing):
    (attachment,) = files.attach(filing, [upload("IMG_0001.jpg", jpeg_rotated(400, 200))], tree.ent_a1_admin)
    assert attachment.file_type == "jpeg"
    with default_storage.open(attachment.thumbnail.name) as handle, Image.open(handle) as thumbnail:
        assert thumbnail.size == (160, 320)


def test_an_exe_named_pdf_is_refused_and_nothing_is_stored(tree, login, filing):
    client = login(tree.ent_a1_admin)
    before = stored_names()
    response = client.post(upload_url(filing), {"file": upload("整改报告.pdf", EXE)}, follow=True)
    assert not Attachment.objects.exists() and stored_names() == before
    assert any("整改报告.pdf" in message for message in messages_of(response))


def test_one_refused_file_stores_none_of_the_batch(tree, login, filing):
    client = login(tree.ent_a1_admin)
    before = stored_names()
    client.post(
        upload_url(filing), {"file": [upload("a.pdf", PDF), upload("b.png", png()), upload("c.zip", EXE)]}
    )
    assert not Attachment.objects.exists() and stored_names() == before


def test_an_oversized_file_is_refused(tree, login, filing, settings):
    settings.LANTIAN_ATTACHMENT_MAX_BYTES = 1024
    client = login(tree.ent_a1_admin)
    response = client.post(upload_url(filing), {"file": upload("大文件.pdf", PDF + bytes(4096))}, follow=True)
    assert not Attachment.objects.exists()
    assert any("大文件.pdf" in message and "1.0" in message for message in messages_of(response))


def test_office_documents_and_text_are_accepted(tree, filing):
    attached = files.attach(
        filing,
        [
            upload("台账.xlsx", xlsx()),
            upload("旧表.xls", compound_file(["Workbook"])),
            upload("a.csv", b"a,b\n1,2\n"),
        ],
        tree.ent_a1_admin,
    )
    assert [(a.file_type, a.file.name.rsplit(".", 1)[-1]) for a in attached] == [
        ("xlsx", "xlsx"), ("xls", "xls"), ("csv", "csv"),
    ]  # fmt: skip
    assert not any(a.thumbnail for a in attached)


@pytest.fixture
def photo(tree, filing):
    (attachment,) = files.attach(filing, [upload("照片.png", png())], tree.ent_a1_admin)
    return attachment


def test_files_are_served_with_their_detected_type_and_nosniff(tree, login, photo):
    client = login(tree.county_a_admin)
    response = client.get(photo.get_absolute_url())
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert (
        response["Content-Disposition"].startswith("inline;")
        and "filename" in response["Content-Disposition"]
    )
    assert b"".join(response.streaming_content) == default_storage.open(photo.file.name).read()
    thumbnail = client.get(photo.get_thumbnail_url())
    assert thumbnail.status_code == 200 and thumbnail["Content-Type"] == "image/jpeg"


def test_documents_download_as_attachments(tree, login, filing):
    (document,) = files.attach(filing, [upload("表.xlsx", xlsx())], tree.ent_a1_admin)
    response = login(tree.ent_a1_admin).get(document.get_absolute_url())
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == files.FILE_TYPES["xlsx"].mime_type


@pytest.mark.parametrize("outsider", ["county_b_admin", "ent_a2_admin", "ent_b1_admin", "agency_admin"])
def test_another_organization_gets_404_for_the_file_and_its_thumbnail(tree, login, photo, outsider):
    client = login(getattr(tree, outsider))
    assert client.get(photo.get_absolute_url()).status_code == 404
    assert client.get(photo.get_thumbnail_url()).status_code == 404
    assert client.post(reverse("core:attachment_delete", args=[photo.pk])).status_code == 404
    assert client.post(upload_url(photo.target), {"file": upload("x.pdf", PDF)}).status_code == 404
    assert Attachment.objects.count() == 1


def test_anonymous_users_are_sent_to_login(client, photo):
    response = client.get(photo.get_absolute_url())
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_uploading_and_deleting_need_change_on_the_object(tree, login, filing, photo):
    viewer_role = Role.objects.create(code="filing_viewer", name="备案查看")
    viewer_role.permissions.set(Permission.objects.filter(codename="view_filing"))
    viewer = make_user("viewer", tree.county_a, "filing_viewer")
    client = login(viewer)
    assert client.get(photo.get_absolute_url()).status_code == 200
    assert client.post(upload_url(filing), {"file": upload("a.pdf", PDF)}).status_code == 403
    assert client.post(reverse("core:attachment_delete", args=[photo.pk])).status_code == 403
    page = client.get(filing.get_absolute_url()).content.decode()
    assert 'name="file"' not in page and reverse("core:attachment_delete", args=[photo.pk]) not in page


def test_uploads_and_deletions_are_in_the_change_log(tree, login, filing, django_capture_on_commit_callbacks):
    client = login(tree.ent_a1_admin)
    client.post(upload_url(filing), {"file": upload("监测报告.pdf", PDF)}, HTTP_X_REQUEST_ID="req-upload-1")
    attachment = Attachment.objects.get()
    created = LogEntry.objects.get_for_object(attachment).get(action=LogEntry.Action.CREATE)
    assert created.actor == tree.ent_a1_admin and created.cid == "req-upload-1"
    assert "监测报告.pdf" in created.object_repr
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("core:attachment_delete", args=[attachment.pk]))
    assert not Attachment.objects.exists()
    deleted = LogEntry.objects.get(action=LogEntry.Action.DELETE, object_id=attachment.pk)
    assert deleted.actor == tree.ent_a1_admin
    assert not default_storage.exists(attachment.file.name)
    page = client.get(filing.get_absolute_url()).content.decode()
    assert "监测报告.pdf" in page  # under "deleted attachments"


def test_any_registered_object_takes_attachments(tree, login):
    client = login(tree.ent_a1_admin)
    client.post(upload_url(tree.ent_a1), {"file": upload("营业执照.png", png())})
    assert Attachment.objects.for_object(tree.ent_a1).count() == 1
    page = client.get(tree.ent_a1.get_absolute_url()).content.decode()
    assert "营业执照.png" in page


def test_a_locked_object_keeps_its_attachments(tree, login, filing, photo):
    review.submit(filing, tree.ent_a1_admin)
    client = login(tree.ent_a1_admin)
    client.post(upload_url(filing), {"file": upload("补充.pdf", PDF)})
    client.post(reverse("core:attachment_delete", args=[photo.pk]))
    assert list(Attachment.objects.all()) == [photo]
    assert 'name="file"' not in client.get(filing.get_absolute_url()).content.decode()


# --- journal ---


def journal_url(obj) -> str:
    return reverse("core:journal_add", args=[obj._meta.app_label, obj._meta.model_name, obj.pk])


def test_remarks_are_listed_newest_first(tree, login, filing):
    client = login(tree.county_a_admin)
    client.post(journal_url(filing), {"text": "第一次现场核查", "kind": "info"})
    client.post(journal_url(filing), {"text": "发现排口标识缺失", "kind": "warning"})
    entries = list(JournalEntry.objects.for_object(filing))
    assert [(e.text, e.kind, e.author) for e in entries] == [
        ("发现排口标识缺失", "warning", tree.county_a_admin), ("第一次现场核查", "info", tree.county_a_admin),
    ]  # fmt: skip
    page = client.get(filing.get_absolute_url()).content.decode()
    assert page.index("发现排口标识缺失") < page.index("第一次现场核查")


@pytest.mark.parametrize("data", [{"text": "   ", "kind": "info"}, {"text": "x", "kind": "shout"}])
def test_an_empty_or_odd_remark_is_refused(tree, login, filing, data):
    login(tree.county_a_admin).post(journal_url(filing), data)
    assert not JournalEntry.objects.exists()


def test_remarks_need_change_or_review_and_scope(tree, login, filing, client):
    assert login(tree.county_b_admin).post(journal_url(filing), {"text": "越权"}).status_code == 404
    client.post(reverse("logout"))
    assert login(tree.agency_admin).post(journal_url(filing), {"text": "越权"}).status_code == 404
    assert not JournalEntry.objects.exists()


def test_only_the_author_or_a_platform_admin_deletes_a_remark(tree, login, filing, client):
    entry = JournalEntry.objects.create(target=filing, text="企业说明", author=tree.ent_a1_admin)
    other = JournalEntry.objects.create(target=filing, text="分局意见", author=tree.county_a_admin)
    enterprise = login(tree.ent_a1_admin)
    assert enterprise.post(reverse("core:journal_delete", args=[other.pk])).status_code == 403
    assert enterprise.post(reverse("core:journal_delete", args=[entry.pk])).status_code == 302
    client.post(reverse("logout"))
    assert login(tree.admin).post(reverse("core:journal_delete", args=[other.pk])).status_code == 302
    assert not JournalEntry.objects.exists()
