"""Uploaded files: stored under unguessable names and served only through a view that asks their app.

Nothing serves MEDIA_ROOT directly. Each app registers the folder its files are uploaded to with
`protected_files_register`: how to find the record a stored file belongs to, and who may read it.
The view `media_file` answers a file only when that predicate allows it (anything else is a 404,
so that nobody learns whether a file exists), with a strict content type, `nosniff`, a sandboxing
CSP, and `private, no-store` for personal files. With PRIVATE_MEDIA_INTERNAL_URL set, the front
server sends the file (X-Accel-Redirect to its `internal` location); otherwise Django streams it.
"""

import posixpath
import re
import secrets
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage
from django.http import FileResponse, Http404, HttpResponse
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

# Images are shown inline; anything else is downloaded as an attachment.
IMAGE_TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".webp": "image/webp"}
DOCUMENT_TYPES = {
    ".pdf": "application/pdf",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ppt": "application/vnd.ms-powerpoint",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".xls": "application/vnd.ms-excel",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".txt": "text/plain; charset=utf-8",
}
# A served file is never a page: no scripts, no styles, no plugins, even when opened on its own.
FILE_CSP = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]")
# Names stored before PrivateStorage may hold letters of any script (Django's own valid names).
SAFE_PATH = re.compile(r"^[\w./-]+$")


@dataclass(frozen=True)
class ProtectedFiles:
    """The files stored under `folder/`: `owner(name)` finds the record a stored name belongs to (or
    None), `may_read(user, record)` says whether the user may read it. `personal` files are never
    cached; `images` are served inline when their extension is an image type."""

    folder: str
    owner: Callable[[str], Any]
    may_read: Callable[[Any, Any], bool]
    personal: bool = True
    images: bool = False


_REGISTRY: dict[str, ProtectedFiles] = {}


def protected_files_register(files: ProtectedFiles) -> None:
    """Called from an app's `ready()`; a folder nobody registered is never served."""
    _REGISTRY[files.folder.strip("/")] = files


class PrivateStorage(FileSystemStorage):
    """MEDIA_ROOT with unguessable, ASCII-only names whose URL is the checking view's.

    Every saved file gets a random directory of its own (`news/<24 hex>/picture.jpg`), so that a
    name cannot be guessed from another one or from the original file name.
    """

    def get_valid_name(self, name: str) -> str:
        ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
        cleaned = SAFE_NAME.sub("", ascii_name.replace(" ", "_")).lstrip(".-")
        return cleaned or "file"

    def generate_filename(self, filename: str) -> str:
        dirname, basename = posixpath.split(filename.replace("\\", "/"))
        return super().generate_filename(posixpath.join(dirname, secrets.token_hex(12), basename))

    def url(self, name: str | None) -> str:
        return reverse("media-file", kwargs={"name": name})


def _files_for(name: str) -> ProtectedFiles | None:
    if "\x00" in name or not SAFE_PATH.match(name) or posixpath.normpath(name) != name:
        return None
    if name.startswith(("/", ".")) or ".." in name.split("/"):
        return None
    return _REGISTRY.get(name.split("/", 1)[0])


def _content_type(name: str, files: ProtectedFiles) -> tuple[str, bool]:
    """(content type, inline?) from the stored name, never from the file's bytes."""
    extension = posixpath.splitext(name)[1].lower()
    if files.images and extension in IMAGE_TYPES:
        return IMAGE_TYPES[extension], True
    return DOCUMENT_TYPES.get(extension, "application/octet-stream"), False


@require_safe
def media_file(request, name: str):
    """One stored file, to whoever its app says may read it; a 404 for everyone else."""
    files = _files_for(name)
    if files is None:
        raise Http404
    record = files.owner(name)
    if record is None or not files.may_read(request.user, record):
        raise Http404
    if not default_storage.exists(name):
        raise Http404
    content_type, inline = _content_type(name, files)
    filename = posixpath.basename(name)
    internal = settings.PRIVATE_MEDIA_INTERNAL_URL
    if internal:
        # The front server sends the file from its `internal` location; Django sends no body.
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = internal.rstrip("/") + "/" + quote(name)
        response["Content-Disposition"] = content_disposition_header(not inline, filename)
    else:
        response = FileResponse(
            default_storage.open(name, "rb"), content_type=content_type, as_attachment=not inline, filename=filename
        )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = FILE_CSP
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Cache-Control"] = "private, no-store" if files.personal else "public, max-age=3600"
    return response
