"""Photos kept in archive fields (a group's photo, a business licence): checked by their content like
attachments (``lantian.core.files``), and served only through the scoped view ``ldar:photo``."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from lantian.core.files import RefusedFile, check_upload

PHOTO_TYPES = frozenset({"jpeg", "png", "webp"})


def validate_photo(value) -> None:
    """A new upload must be a readable JPEG, PNG or WebP image; a stored file is not read again."""
    if getattr(value, "_committed", True):
        return
    upload = value.file
    try:
        file_type = check_upload(upload)
    except RefusedFile as error:
        raise ValidationError(error.messages) from None
    if file_type.key not in PHOTO_TYPES:
        raise ValidationError(
            _("“%(name)s” is a %(type)s, not a photo: upload a JPEG or PNG image.")
            % {"name": upload.name, "type": file_type.label}
        )
