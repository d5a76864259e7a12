"""Issue 7 (7): statements are length-limited, photos checked and re-encoded, both shown on the
public result page."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from tallyroom.elections.models import Candidate, CandidatePhoto

pytestmark = pytest.mark.django_db


def image_file(fmt="PNG", size=(900, 300), name="me.png", **save) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(out, fmt, **save)
    return SimpleUploadedFile(name, out.getvalue())


def post(client, contest, **data):
    url = reverse("elections:candidate_new", args=[contest.election.slug, contest.pk])
    return client.post(url, {"name": "Ann", "position": 1, **data})


def errors(response, field):
    return " ".join(response.context["form"].errors[field])


def test_statement_over_the_limit_is_refused(client, staff, contest):
    client.force_login(staff)
    long = post(client, contest, statement="x" * 24000)
    assert "has 24,000 characters: shorten it to 2,000" in errors(long, "statement")
    assert not Candidate.objects.exists()
    post(client, contest, statement="line\r\n" * 333 + "ok")  # 2,000 once line ends are one character
    assert Candidate.objects.get().statement.count("\n") == 333


def test_photo_is_reencoded_smaller_without_metadata(client, staff, contest):
    client.force_login(staff)
    exif = Image.Exif()
    exif[0x010E] = "secret location"  # ImageDescription
    post(client, contest, photo=image_file("JPEG", (1200, 800), "me.jpg", exif=exif.tobytes()))
    photo = CandidatePhoto.objects.get()
    stored = Image.open(io.BytesIO(bytes(photo.image)))
    assert photo.content_type == "image/jpeg" and stored.size == (600, 400)
    assert b"secret location" not in bytes(photo.image)


@pytest.mark.parametrize(
    "upload, problem",
    [
        (image_file("GIF", name="me.gif"), "is a GIF file: upload a JPEG or a PNG"),
        (SimpleUploadedFile("me.png", b"<svg onload=alert(1)>"), "not a JPEG or PNG image"),
        (SimpleUploadedFile("big.png", b"0" * (5 * 1024 * 1024 + 1)), "at most 5 MB"),
    ],
)
def test_bad_photos_are_refused(client, staff, contest, upload, problem):
    client.force_login(staff)
    assert problem in errors(post(client, contest, photo=upload), "photo")
    assert not Candidate.objects.exists() and not CandidatePhoto.objects.exists()


def test_decompression_bomb_is_refused(client, staff, contest):
    client.force_login(staff)
    bomb = image_file("PNG", (10000, 5000), name="bomb.png", optimize=True)  # 50 megapixels, small file
    assert "too many pixels" in errors(post(client, contest, photo=bomb), "photo")


def test_photo_removed(client, staff, contest):
    client.force_login(staff)
    post(client, contest, photo=image_file())
    ann = Candidate.objects.get()
    url = reverse("elections:candidate_edit", args=[contest.election.slug, contest.pk, ann.pk])
    client.post(url, {"name": "Ann", "position": 1, "remove_photo": "on"})
    assert not CandidatePhoto.objects.exists()
