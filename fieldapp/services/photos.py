"""Visit photos: checked to be real images, re-encoded (which drops EXIF location data and
anything hidden in the file), stored under server-made names with a thumbnail.

The files follow the transaction of their row: a photo whose write is rolled back leaves no file
behind, and a removed photo's files go only once the removal is committed."""
from __future__ import annotations

import io
import os
import secrets
import warnings
from datetime import datetime
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from PIL import Image, ImageOps
from sqlalchemy import event

from fieldapp import formats
from fieldapp.extensions import db
from fieldapp.models import User, Visit, VisitPhoto
from fieldapp.services import audit
from fieldapp.domain import DomainError
from fieldapp.services.visits import ensure_editable, technician_time

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "MPO"}  # MPO: some phone cameras' JPEGs
MAX_PIXELS = 50_000_000
MAX_EDGE = 2048
THUMB_EDGE = 320
_WRITTEN = "fieldapp.photos.written"  # session.info: files written in the open transaction
_REMOVED = "fieldapp.photos.removed"  # ... and files to delete once it commits


def upload_folder(kind: str = "visits") -> Path:
    return Path(current_app.config["UPLOAD_FOLDER"]) / kind


def max_bytes() -> int:
    return current_app.config["PHOTO_MAX_BYTES"]


def save(visit: Visit, data: bytes, user: User, taken_at: datetime | None = None) -> VisitPhoto:
    """A photo on the visit; `taken_at`: when a phone without signal took it (checked like a
    step's time, before anything is written)."""
    ensure_editable(visit)
    taken = technician_time(visit, taken_at) if taken_at else None
    name, image, full = store(data, "visits", str(visit.id))
    photo = VisitPhoto(stored_name=name, width=image.width, height=image.height, size_bytes=full,
                       uploaded_by_id=user.id)
    if taken is not None:
        photo.created_at = taken
    visit.photos.append(photo)
    db.session.flush()
    audit.record("visit.photo_added", visit, {"photo": photo.id}, user=user)
    return photo


def store(data: bytes, kind: str, prefix: str, field: str = "photo") -> tuple[str, Image.Image, int]:
    """Check, re-encode and write a photo and its thumbnail under upload_folder(kind), the files
    following the transaction; returns the stored name, the image and the photo's size."""
    if len(data) > max_bytes():
        raise DomainError(_("The photo is larger than the limit of %(size)s.", size=readable_size(max_bytes())),
                          field, "too_large")
    image = _decode(data, field)
    name = f"{prefix}-{secrets.token_hex(16)}.jpg"
    folder = upload_folder(kind)
    folder.mkdir(parents=True, exist_ok=True)
    full_path, thumb_path = folder / name, folder / name.replace(".jpg", ".thumb.jpg")
    db.session.info.setdefault(_WRITTEN, []).extend([full_path, thumb_path])
    full = _write_jpeg(image, full_path, quality=85)
    thumb = image.copy()
    thumb.thumbnail((THUMB_EDGE, THUMB_EDGE))
    _write_jpeg(thumb, thumb_path, quality=75)
    return name, image, full


def readable_size(size: int) -> str:
    """A file size for people: "1.5 MB", "15 MB", "500 kB" (numbers as their language writes them)."""
    if size >= 1024 * 1024:
        return _("%(size)s MB", size=formats.number(round(size / (1024 * 1024), 1)))
    return _("%(size)s kB", size=max(1, round(size / 1024)))


def _decode(data: bytes, field: str = "photo") -> Image.Image:
    """The upload as an upright RGB image of at most MAX_EDGE pixels a side. Every Pillow call on
    the uploaded bytes is in here: any failure (a malformed EXIF block fails in exif_transpose,
    long after the image opened) means it is not a photo we can read, never a 500."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format not in ACCEPTED_FORMATS:
                raise DomainError(_("Only photos (JPEG, PNG, WebP) can be added."), field, "invalid")
            if image.width * image.height > MAX_PIXELS:
                raise DomainError(_("The photo has too many pixels."), field, "invalid")
            image.load()
            image = ImageOps.exif_transpose(image).convert("RGB")
            image.thumbnail((MAX_EDGE, MAX_EDGE))
            return image
    except DomainError:
        raise
    except Exception:  # Pillow raises many kinds on hostile files (SyntaxError, struct.error...)
        raise DomainError(_("That file is not a photo we can read. Take or choose a JPEG or PNG picture."),
                          field, "invalid") from None


def _write_jpeg(image: Image.Image, path: Path, quality: int) -> int:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality, optimize=True)
    # Owner read/write only, never executable.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(buffer.getvalue())
    return buffer.tell()


def path_of(photo: VisitPhoto, thumbnail: bool = False) -> Path:
    return upload_folder() / (photo.thumb_name if thumbnail else photo.stored_name)


def remove(visit: Visit, photo: VisitPhoto) -> None:
    ensure_editable(visit)
    visit.photos.remove(photo)
    audit.record("visit.photo_removed", visit, {"photo": photo.id}, user=visit.technician)
    db.session.flush()
    db.session.info.setdefault(_REMOVED, []).extend(path_of(photo, thumbnail) for thumbnail in (False, True))


@event.listens_for(db.session, "after_commit")
def _committed(session) -> None:
    session.info.pop(_WRITTEN, None)
    for path in session.info.pop(_REMOVED, ()):
        path.unlink(missing_ok=True)


@event.listens_for(db.session, "after_rollback")
def _rolled_back(session) -> None:
    session.info.pop(_REMOVED, None)
    for path in session.info.pop(_WRITTEN, ()):
        path.unlink(missing_ok=True)
