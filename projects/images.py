"""Pictures of projects, good practices and news items: checked and stored as responsive renditions.

An upload is read by `portal.uploads.photo_renditions` (type from the bytes, pixel and size limits,
re-encoded as WebP without EXIF, XMP or comments) into renditions RENDITION_WIDTHS wide (fewer for a
narrower picture). They are stored side by side under `<folder>/<random>/` and the original is never
kept. Replacing or removing a picture, or deleting its record, deletes its files after the commit.
"""

from __future__ import annotations

import contextlib
import os
import posixpath
import secrets

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _

from portal.uploads import UploadError, photo_renditions, upload_size_check
from projects.models import ContentImage

RENDITION_WIDTHS = (480, 960, 1440)


def content_image_read(upload) -> list[tuple[int, int, bytes]]:
    """The renditions of an uploaded picture; raises `UploadError` (translated) for anything else."""
    upload_size_check(upload, max_bytes=settings.CONTENT_IMAGE_MAX_BYTES)
    if upload.size == 0:
        raise UploadError(_("The file is empty."))
    return photo_renditions(upload, widths=RENDITION_WIDTHS)


def content_image_set(*, instance: ContentImage, renditions: list[tuple[int, int, bytes]] | None) -> ContentImage:
    """Give the record these renditions (from `content_image_read`) or, with None, no picture. The record
    describes the picture in every language or marks it decorative (`ValidationError` otherwise); its
    alt texts are saved with it. The files of the picture it had are deleted once the change is committed; new files are
    removed again if saving the record fails."""
    old_names = instance.image_names
    new_names: list[str] = []
    rows: list[dict] = []
    if renditions:
        folder = posixpath.join(type(instance).IMAGE_FOLDER, secrets.token_hex(12))
        try:
            for width, height, data in renditions:
                name = default_storage.save(posixpath.join(folder, f"{width}w.webp"), ContentFile(data))
                new_names.append(name)
                rows.append({"name": name, "width": width, "height": height})
        except Exception:
            _files_delete(new_names)
            raise
    try:
        with transaction.atomic():
            instance.image = rows[-1]["name"] if rows else ""
            instance.image_renditions = rows
            instance.full_clean()
            alts = [f"image_alt_{code}" for code, _name in settings.LANGUAGES]
            instance.save(update_fields=["image", "image_renditions", "image_decorative", *alts])
    except Exception:
        _files_delete(new_names)
        raise
    stale = [name for name in old_names if name not in new_names]
    if stale:
        transaction.on_commit(lambda: _files_delete(stale))
    return instance


def content_image_files_delete(*, instance: ContentImage) -> None:
    """The record is being deleted: its picture's files go once the deletion is committed."""
    names = instance.image_names
    if names:
        transaction.on_commit(lambda: _files_delete(names))


def _files_delete(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)
    # The random folder of the renditions, once empty (only on a file system).
    for folder in {posixpath.dirname(name) for name in names}:
        with contextlib.suppress(NotImplementedError, OSError):
            os.rmdir(default_storage.path(folder))
