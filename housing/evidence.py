"""Evidence of an inspection: photos of the visit and documents (PDF), private to caseworkers.

Every file is checked before anything is saved (`portal.uploads.evidence_read`: a PDF from its header,
a photo decoded and re-encoded without metadata, at most IMAGE_MAX_PIXELS, at most
EVIDENCE_MAX_BYTES), then stored under an unguessable name in `inspections/<id>/` and served only
through `/files/...` to caseworkers (`housing.access.inspection_file_visible_to`).
"""

import uuid
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from housing.access import can_inspect_offer
from housing.models import Inspection, InspectionFile
from portal.models import User
from portal.uploads import UploadError, evidence_read


@dataclass(frozen=True)
class PreparedEvidence:
    kind: str
    extension: str
    data: bytes
    thumbnail: bytes | None


def evidence_prepare(uploads) -> list[PreparedEvidence]:
    """Read and check every upload (nothing is stored yet); the first bad one refuses them all, with
    its name in the message."""
    uploads = [upload for upload in uploads if upload]
    if len(uploads) > settings.EVIDENCE_MAX_COUNT:
        raise UploadError(_("At most %(count)s files can be added at once.") % {"count": settings.EVIDENCE_MAX_COUNT})
    prepared = []
    for upload in uploads:
        try:
            extension, data, thumbnail = evidence_read(upload, max_bytes=settings.EVIDENCE_MAX_BYTES)
        except UploadError as error:
            raise UploadError(
                _("%(name)s: %(error)s") % {"name": upload.name, "error": " ".join(error.messages)}
            ) from error
        kind = InspectionFile.Kind.DOCUMENT if extension == "pdf" else InspectionFile.Kind.PHOTO
        prepared.append(PreparedEvidence(kind=kind, extension=extension, data=data, thumbnail=thumbnail))
    return prepared


def evidence_store(
    *, inspection: Inspection, prepared: list[PreparedEvidence], by: User, stored: list[InspectionFile]
) -> None:
    """Store checked files with the inspection, appending each to `stored` as soon as its bytes are
    written, so that the caller deletes them (`evidence_files_delete`) when its transaction fails."""
    for item in prepared:
        name = uuid.uuid4().hex
        evidence = InspectionFile(inspection=inspection, kind=item.kind, uploaded_by=by)
        stored.append(evidence)
        evidence.file.save(f"{name}.{item.extension}", ContentFile(item.data), save=False)
        if item.thumbnail is not None:
            evidence.thumbnail.save(f"{name}-thumb.jpg", ContentFile(item.thumbnail), save=False)
        evidence.save()


def inspection_evidence_add(*, inspection: Inspection, uploads, by: User) -> list[InspectionFile]:
    """Add evidence to a recorded inspection (a caseworker allowed to inspect the offer)."""
    if not can_inspect_offer(by, inspection.offer):
        raise PermissionDenied
    prepared = evidence_prepare(uploads)
    stored: list[InspectionFile] = []
    try:
        with transaction.atomic():
            evidence_store(inspection=inspection, prepared=prepared, by=by, stored=stored)
    except Exception:
        evidence_files_delete(stored)
        raise
    return stored


def evidence_files_delete(evidence: list[InspectionFile]) -> None:
    """Delete the files of these pieces of evidence from storage (their rows are the caller's)."""
    for item in evidence:
        for field in (item.file, item.thumbnail):
            if field.name:
                field.storage.delete(field.name)


def evidence_forget(*, evidence: InspectionFile) -> None:
    """A deleted piece of evidence leaves storage once the deletion is committed (connected to
    `post_delete`, so that evidence deleted with its inspection or offer leaves no file behind)."""
    transaction.on_commit(partial(evidence_files_delete, [evidence]))
