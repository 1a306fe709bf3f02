"""Visit photos: upload from the phone, re-encoded to JPEG without EXIF, served only as a JPEG to
staff who may see the visit, removed with their files; htmx gets the #photos fragment."""
from __future__ import annotations

import io
import os
import re
import uuid
from pathlib import Path

from PIL import ExifTags, Image
from sqlalchemy import func, select

from fieldapp.extensions import db
from fieldapp.models import Role, Visit, VisitPhoto, VisitStatus
from tests.conftest import HX, Auth, Factory, jpeg_bytes

STORED_NAME = re.compile(r"^\d+-[0-9a-f]{32}\.jpg$")


def new_id() -> str:
    return str(uuid.uuid4())


def upload(client, visit_id, data: bytes, filename="photo.jpg", mimetype="image/jpeg", client_id=None, **kw):
    return client.post(f"/visits/{visit_id}/photos/", data={
        "client_id": client_id or new_id(),
        "photo": (io.BytesIO(data), filename, mimetype),
    }, content_type="multipart/form-data", **kw)


def photo_folder(app) -> Path:
    return Path(app.config["UPLOAD_FOLDER"]) / "visits"


def stored_files(app) -> list[str]:
    folder = photo_folder(app)
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def photo_rows(app) -> list[VisitPhoto]:
    with app.app_context():
        rows = db.session.scalars(select(VisitPhoto).order_by(VisitPhoto.id)).all()
        for row in rows:
            db.session.expunge(row)
        return rows


def photo_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(VisitPhoto.id)))


def noisy_jpeg(size=(200, 150), **save_kw) -> bytes:
    image = Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", **save_kw)
    return buffer.getvalue()


def test_upload_jpeg_stores_photo_and_thumbnail_under_a_server_made_name(app, client, auth, make):
    me = auth.as_role(Role.TECHNICIAN)
    visit = make.visit(me, status=VisitStatus.ON_SITE)

    response = upload(client, visit.id, jpeg_bytes(size=(1200, 900)), filename="../../my holiday.jpg")

    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/visits/{visit.id}#photos")
    [photo] = photo_rows(app)
    assert photo.visit_id == visit.id and photo.uploaded_by_id == me.id
    assert STORED_NAME.match(photo.stored_name) and "holiday" not in photo.stored_name
    assert (photo.width, photo.height) == (1200, 900)
    assert stored_files(app) == sorted([photo.stored_name, photo.thumb_name])
    assert not any("holiday" in p.name for p in Path(app.config["UPLOAD_FOLDER"]).rglob("*"))
    for name in (photo.stored_name, photo.thumb_name):
        path = photo_folder(app) / name
        assert path.stat().st_mode & 0o777 == 0o600, name
    with Image.open(photo_folder(app) / photo.thumb_name) as thumb:
        assert thumb.format == "JPEG" and max(thumb.size) <= 320

    page = client.get(f"/visits/{visit.id}").get_data(as_text=True)
    assert f'/visits/{visit.id}/photos/{photo.id}/thumb' in page and "Photo 1 of the visit" in page


def test_upload_png_is_stored_re_encoded_as_jpeg(app, client, auth, make):
    me = auth.as_role(Role.TECHNICIAN)
    visit = make.visit(me, status=VisitStatus.ON_SITE)

    response = upload(client, visit.id, jpeg_bytes(size=(80, 60), fmt="PNG"), filename="screen.png",
                      mimetype="image/png")

    assert response.status_code == 303
    [photo] = photo_rows(app)
    assert photo.stored_name.endswith(".jpg") and "screen" not in photo.stored_name
    for name in (photo.stored_name, photo.thumb_name):
        data = (photo_folder(app) / name).read_bytes()
        assert data[:3] == b"\xff\xd8\xff", f"{name} is not a JPEG"
        assert b"\x89PNG" not in data


def test_photo_and_thumbnail_are_served_as_jpeg_with_nosniff_and_a_sandbox_csp(app, client, auth, make):
    me = auth.as_role(Role.TECHNICIAN)
    visit = make.visit(me, status=VisitStatus.ON_SITE)
    upload(client, visit.id, jpeg_bytes(size=(1000, 800), fmt="PNG"), filename="x.png", mimetype="image/png")
    [photo] = photo_rows(app)

    for suffix, name in (("", photo.stored_name), ("/thumb", photo.thumb_name)):
        with client.get(f"/visits/{visit.id}/photos/{photo.id}{suffix}") as response:
            assert response.status_code == 200
            assert response.mimetype == "image/jpeg"
            assert response.headers["X-Content-Type-Options"] == "nosniff"
            assert "sandbox" in response.headers["Content-Security-Policy"]
            assert response.headers["Cache-Control"] == "no-store"  # a customer's premises: never kept
            assert response.data == (photo_folder(app) / name).read_bytes()
    with client.get(f"/visits/{visit.id}/photos/{photo.id}/thumb") as response:
        with Image.open(io.BytesIO(response.data)) as thumb:
            assert max(thumb.size) == 320


def test_exif_location_and_camera_data_are_removed(app, client, auth, make):
    me = auth.as_role(Role.TECHNICIAN)
    visit = make.visit(me, status=VisitStatus.ON_SITE)
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "SecretCam"
    exif[ExifTags.Base.Model] = "Model-X-Private"
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N", ExifTags.GPS.GPSLatitude: (52.0, 22.0, 8.0),
        ExifTags.GPS.GPSLongitudeRef: "E", ExifTags.GPS.GPSLongitude: (4.0, 53.0, 42.0),
    }
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (10, 120, 200)).save(buffer, "JPEG", exif=exif.tobytes())
    original = buffer.getvalue()
    with Image.open(io.BytesIO(original)) as check:  # the upload really carries the location
        assert check.getexif().get_ifd(ExifTags.IFD.GPSInfo)
        assert b"SecretCam" in original

    assert upload(client, visit.id, original).status_code == 303

    [photo] = photo_rows(app)
    for name in (photo.stored_name, photo.thumb_name):
        path = photo_folder(app) / name
        data = path.read_bytes()
        assert b"Exif" not in data and b"SecretCam" not in data and b"Model-X-Private" not in data
        with Image.open(path) as stored:
            assert "exif" not in stored.info
            assert not stored.getexif().get_ifd(ExifTags.IFD.GPSInfo)
            assert len(stored.getexif()) == 0


def test_a_sideways_phone_photo_is_stored_upright(app, client, auth, make):
    me = auth.as_role(Role.TECHNICIAN)
    visit = make.visit(me, status=VisitStatus.ON_SITE)
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6  # camera held sideways: rotate 90° to view
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (10, 120, 200)).save(buffer, "JPEG", exif=exif.tobytes())

    assert upload(client, visit.id, buffer.getvalue()).status_code == 303

    [photo] = photo_rows(app)
    assert (photo.width, photo.height) == (48, 64)
    with Image.open(photo_folder(app) / photo.stored_name) as stored:
        assert stored.size == (48, 64)


def test_a_text_file_named_like_a_photo_is_refused(app, client, auth, make):
    me = auth.as_role(Role.TECHNICIAN)
    visit = make.visit(me, status=VisitStatus.ON_SITE)

    response = upload(client, visit.id, b"just some notes, not a picture\n" * 10, filename="photo.jpg")

    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "<html" in body and "That file is not a photo we can read" in body
    assert photo_count(app) == 0 and stored_files(app) == []

    fragment = upload(client, visit.id, b"<svg onload=alert(1)>", filename="photo.jpg", headers=HX)
    html = fragment.get_data(as_text=True)
    assert fragment.status_code == 422
    assert html.lstrip().startswith('<section id="photos"') and "<html" not in html
    assert "That file is not a photo we can read" in html and 'role="alert"' in html
    assert photo_count(app) == 0 and stored_files(app) == []


def test_submitting_without_a_file_asks_for_a_photo(app, client, auth, make):
    me = auth.as_role(Role.TECHNICIAN)
    visit = make.visit(me, status=VisitStatus.ON_SITE)

    response = client.post(f"/visits/{visit.id}/photos/", data={"client_id": new_id()},
                           content_type="multipart/form-data")

    assert response.status_code == 422
    assert "Take or choose a photo first." in response.get_data(as_text=True)
    assert photo_count(app) == 0


def test_an_oversized_photo_is_refused_with_413(new_app):
    small = new_app(PHOTO_MAX_BYTES=1000)
    client = small.test_client()
    make = Factory(small)
    me = Auth(client, make).as_role(Role.TECHNICIAN)
    visit = make.visit(me, status=VisitStatus.ON_SITE)
    big = noisy_jpeg()
    assert len(big) > 1000

    response = upload(client, visit.id, big)

    body = response.get_data(as_text=True)
    assert response.status_code == 413
    assert "<html" in body and "The photo is larger than" in body
    assert photo_count(small) == 0 and stored_files(small) == []

    fragment = upload(client, visit.id, big, headers=HX)
    assert fragment.status_code == 413
    assert "The photo is larger than" in fragment.get_data(as_text=True)
    assert photo_count(small) == 0 and stored_files(small) == []


def test_the_size_message_states_a_real_limit_when_it_is_under_a_megabyte(new_app):
    """A limit below 1 MB (e.g. for bad connections) must not be shown as "0 MB"."""
    small = new_app(PHOTO_MAX_BYTES=200_000)
    client = small.test_client()
    make = Factory(small)
    me = Auth(client, make).as_role(Role.TECHNICIAN)
    visit = make.visit(me, status=VisitStatus.ON_SITE)
    big = noisy_jpeg(size=(400, 300), quality=100)
    # Over the limit, but under the 500 kB above which Werkzeug's test client spools the
    # request body to a temporary file it never closes (a ResourceWarning in a later test).
    assert 200_000 < len(big) < 500 * 1024

    response = upload(client, visit.id, big)

    body = response.get_data(as_text=True)
    assert response.status_code == 413
    assert "The photo is larger than" in body
    assert "larger than 0 MB" not in body


def test_a_double_submit_with_the_same_client_id_stores_one_photo(app, client, auth, make):
    me = auth.as_role(Role.TECHNICIAN)
    visit = make.visit(me, status=VisitStatus.ON_SITE)
    client_id = new_id()

    first = upload(client, visit.id, jpeg_bytes(), client_id=client_id)
    again = upload(client, visit.id, jpeg_bytes(), client_id=client_id)

    assert first.status_code == again.status_code == 303
    assert photo_count(app) == 1
    assert len(stored_files(app)) == 2  # one photo and its thumbnail


def test_retrying_the_same_form_after_a_refused_file_stores_the_photo(app, client, auth, make):
    """The refused upload re-renders the form with its write id; choosing a real photo then works."""
    me = auth.as_role(Role.TECHNICIAN)
    visit = make.visit(me, status=VisitStatus.ON_SITE)
    client_id = new_id()

    refused = upload(client, visit.id, b"not an image", client_id=client_id, headers=HX)
    assert refused.status_code == 422 and f'value="{client_id}"' in refused.get_data(as_text=True)

    retried = upload(client, visit.id, jpeg_bytes(), client_id=client_id, headers=HX)
    assert retried.status_code == 200
    assert photo_count(app) == 1 and len(stored_files(app)) == 2


def test_another_technicians_photo_is_not_found(app, client, auth, make):
    me = auth.as_role(Role.TECHNICIAN)
    other = make.user(Role.TECHNICIAN)
    theirs = make.visit(other, status=VisitStatus.ON_SITE)
    photo = make.photo(theirs)
    mine = make.visit(me, status=VisitStatus.ON_SITE)

    for url in (f"/visits/{theirs.id}/photos/{photo.id}", f"/visits/{theirs.id}/photos/{photo.id}/thumb",
                # their photo through my own visit's address
                f"/visits/{mine.id}/photos/{photo.id}", f"/visits/{mine.id}/photos/{photo.id}/thumb"):
        with client.get(url) as response:
            assert response.status_code == 404, url
            assert response.mimetype == "text/html", url

    removal = client.post(f"/visits/{theirs.id}/photos/{photo.id}/remove", data={"client_id": new_id()})
    assert removal.status_code == 404
    assert upload(client, theirs.id, jpeg_bytes()).status_code == 404
    assert photo_count(app) == 1 and len(stored_files(app)) == 2


def test_a_dispatcher_can_view_a_visit_photo_but_not_change_photos(app, client, auth, make):
    auth.as_role(Role.DISPATCHER)
    visit = make.visit(make.user(Role.TECHNICIAN), status=VisitStatus.ON_SITE)
    photo = make.photo(visit)

    with client.get(f"/visits/{visit.id}/photos/{photo.id}") as response:
        assert response.status_code == 200 and response.mimetype == "image/jpeg"
        assert response.data[:3] == b"\xff\xd8\xff"
    page = client.get(f"/visits/{visit.id}").get_data(as_text=True)
    assert f"/visits/{visit.id}/photos/{photo.id}/thumb" in page
    assert "Upload photo" not in page and "Remove photo 1" not in page

    assert upload(client, visit.id, jpeg_bytes()).status_code == 403
    assert client.post(f"/visits/{visit.id}/photos/{photo.id}/remove",
                       data={"client_id": new_id()}).status_code == 403
    assert photo_count(app) == 1


def test_anonymous_is_sent_to_sign_in(app, client, make):
    visit = make.visit(make.user(Role.TECHNICIAN), status=VisitStatus.ON_SITE)
    photo = make.photo(visit)

    with client.get(f"/visits/{visit.id}/photos/{photo.id}") as response:
        assert response.status_code == 302
        assert "/login" in response.headers["Location"]
    with client.get(f"/visits/{visit.id}/photos/{photo.id}/thumb") as response:
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    response = upload(client, visit.id, jpeg_bytes())
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert photo_count(app) == 1


def test_remove_deletes_the_row_and_both_files(app, client, auth, make):
    me = auth.as_role(Role.TECHNICIAN)
    visit = make.visit(me, status=VisitStatus.ON_SITE)
    keep = make.photo(visit)
    gone = make.photo(visit)
    assert len(stored_files(app)) == 4

    response = client.post(f"/visits/{visit.id}/photos/{gone.id}/remove", data={"client_id": new_id()})

    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/visits/{visit.id}#photos")
    assert [p.id for p in photo_rows(app)] == [keep.id]
    assert stored_files(app) == sorted([keep.stored_name, keep.thumb_name])
    with client.get(f"/visits/{visit.id}/photos/{gone.id}") as response:
        assert response.status_code == 404
    with client.get(f"/visits/{visit.id}/photos/{keep.id}") as response:
        assert response.status_code == 200


def test_remove_with_htmx_returns_the_updated_photos_section(app, client, auth, make):
    me = auth.as_role(Role.TECHNICIAN)
    visit = make.visit(me, status=VisitStatus.ON_SITE)
    photo = make.photo(visit)

    response = client.post(f"/visits/{visit.id}/photos/{photo.id}/remove", data={"client_id": new_id()},
                           headers=HX)

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="photos"') and "<html" not in html
    assert "No photos yet." in html
    assert photo_count(app) == 0 and stored_files(app) == []


def test_photos_of_a_completed_visit_cannot_be_added_or_removed(app, client, auth, make):
    me = auth.as_role(Role.TECHNICIAN)
    visit = make.visit(me, status=VisitStatus.ON_SITE)
    photo = make.photo(visit)
    with app.app_context():
        db.session.get(Visit, visit.id).status = VisitStatus.COMPLETED
        db.session.commit()

    response = upload(client, visit.id, jpeg_bytes())
    body = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "<html" in body and "can no longer be changed" in body
    assert "Upload photo" not in body
    assert photo_count(app) == 1 and len(stored_files(app)) == 2

    removal = client.post(f"/visits/{visit.id}/photos/{photo.id}/remove", data={"client_id": new_id()},
                          headers=HX)
    assert removal.status_code == 409
    assert "can no longer be changed" in removal.get_data(as_text=True)
    assert photo_count(app) == 1 and len(stored_files(app)) == 2


def test_htmx_upload_gets_the_photos_fragment_and_a_plain_post_the_page(app, client, auth, make):
    me = auth.as_role(Role.TECHNICIAN)
    visit = make.visit(me, status=VisitStatus.ON_SITE)

    fragment = upload(client, visit.id, jpeg_bytes(), headers=HX)

    html = fragment.get_data(as_text=True)
    assert fragment.status_code == 200
    assert html.lstrip().startswith('<section id="photos"') and "<html" not in html
    [photo] = photo_rows(app)
    assert f"/visits/{visit.id}/photos/{photo.id}/thumb" in html
    assert "Remove photo 1" in html and "Upload photo" in html
    assert "HX-Request" in fragment.headers.get("Vary", "")

    plain = upload(client, visit.id, jpeg_bytes())
    assert plain.status_code == 303
    page = client.get(plain.headers["Location"])
    assert page.status_code == 200
    assert "<html" in page.get_data(as_text=True) and "Remove photo 2" in page.get_data(as_text=True)
