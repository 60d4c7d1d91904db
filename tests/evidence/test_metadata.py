"""Photos are stored without their metadata: a JPEG, PNG or WebP taken by a phone carried its GPS
position (and camera, time, XMP, comments; a JPEG a second picture after its end) into the published
evidence. The pixels are the same, the orientation tag alone is kept; a damaged image is refused."""

from __future__ import annotations

import io

import pytest
from fastapi.testclient import TestClient
from PIL import Image, ImageCms, PngImagePlugin, TiffImagePlugin

from app.evidence.storage import BlobStore
from tests.evidence.conftest import Setup, upload
from tests.plans.test_actions import problem_fields

GPS_IFD, EXIF_IFD, ORIENTATION, MODEL = 0x8825, 0x8769, 0x0112, 0x0110
XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    b'<rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="12,2.5S"/>'
    b"</rdf:RDF></x:xmpmeta>"
)
# Where the photo was taken, as the EXIF's GPS IFD and the XMP write it: none of it may be stored.
LEAKS = (b"GPS", b"Pixel 9 of the author", b"12,2.5S", b"home of the author")


def _picture() -> Image.Image:
    image = Image.new("RGB", (24, 16))
    image.putdata([(x * 10, y * 15, (x * y) % 256) for y in range(16) for x in range(24)])
    return image


def _exif(orientation: int | None) -> Image.Exif:
    exif = Image.Exif()
    if orientation is not None:
        exif[ORIENTATION] = orientation
    exif[MODEL] = "Pixel 9 of the author"
    exif.get_ifd(GPS_IFD).update({1: "S", 2: (12.0, 2.0, 30.0), 3: "W", 4: (77.0, 1.0, 45.0)})
    return exif


def _photo(fmt: str, orientation: int | None = 6) -> bytes:
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    buffer = io.BytesIO()
    options: dict[str, object] = {"exif": _exif(orientation), "icc_profile": icc}
    if fmt == "JPEG":
        options.update(quality=90, comment=b"home of the author", xmp=XMP)
    elif fmt == "PNG":
        info = PngImagePlugin.PngInfo()
        info.add_itxt("XML:com.adobe.xmp", XMP.decode())
        info.add_text("Comment", "home of the author")
        options["pnginfo"] = info
    else:
        options.update(lossless=True, xmp=XMP)
    _picture().save(buffer, fmt, **options)
    data = buffer.getvalue()
    assert all(leak in data for leak in (b"GPS", b"Pixel 9 of the author", b"12,2.5S")), fmt
    return data


@pytest.mark.parametrize(("fmt", "name"), [("JPEG", "site.jpg"), ("PNG", "site.png"), ("WEBP", "site.webp")])
def test_a_photo_is_stored_without_its_location(
    client: TestClient, setup: Setup, store: BlobStore, fmt: str, name: str
) -> None:
    original = _photo(fmt)
    if fmt == "JPEG":  # a phone's second picture (or trailer) after the image's end, with its own EXIF
        original += b"\xff\xd8\xff\xe1\x00\x10Exif\x00\x00GPS home of the author\xff\xd9"
    response = upload(client, setup.upload_url, original, name, setup.focal_a)
    assert response.status_code == 201, response.text
    stored = store.path_of(response.json()["sha256"]).read_bytes()
    assert response.json()["size"] == len(stored) < len(original)
    for leak in LEAKS:
        assert leak not in stored, leak
    with Image.open(io.BytesIO(stored)) as kept, Image.open(io.BytesIO(original)) as before:
        assert kept.format == fmt
        # Only the orientation is left: the photo taken sideways is still shown upright.
        assert dict(kept.getexif()) == {ORIENTATION: 6}
        assert "comment" not in kept.info and "xmp" not in kept.info and "Comment" not in kept.info
        assert kept.info.get("icc_profile") == before.info.get("icc_profile")
        # Not re-encoded: the same pixels, not a copy of them made again.
        assert kept.tobytes() == before.tobytes()
    served = client.get(response.json()["url"], headers=setup.focal_a)
    assert served.content == stored


def test_stray_bytes_between_segments_are_read_past_as_decoders_do(
    client: TestClient, setup: Setup, store: BlobStore
) -> None:
    original = _photo("JPEG")
    start_of_frame = original.index(b"\xff\xc0")
    padded = original[:start_of_frame] + b"\x00\x00" + original[start_of_frame:]
    response = upload(client, setup.upload_url, padded, "padded.jpg", setup.focal_a)
    assert response.status_code == 201, response.text
    stored = store.path_of(response.json()["sha256"]).read_bytes()
    assert b"GPS" not in stored
    with Image.open(io.BytesIO(stored)) as kept, Image.open(io.BytesIO(original)) as before:
        assert kept.tobytes() == before.tobytes()


def test_a_jfif_thumbnail_of_the_uncropped_picture_is_not_kept(
    client: TestClient, setup: Setup, store: BlobStore
) -> None:
    """A JFIF header (APP0) may hold a thumbnail, and its JFXX extension another (a small JPEG): an
    editor that crops a photo may leave the thumbnail of the whole one, showing what was cut away."""
    original = _photo("JPEG", orientation=None)
    assert original[2:4] == b"\xff\xe0"  # Pillow's own JFIF header, without a thumbnail
    thumbnail = bytes([200, 10, 10]) * 4  # 2 x 2 RGB pixels of "the uncropped picture"
    jfif = b"JFIF\x00\x01\x02\x00\x00\x01\x00\x01\x02\x02" + thumbnail
    jfxx = b"JFXX\x00\x10" + b"\xff\xd8 thumbnail of the whole photo \xff\xd9"
    segments = b"".join(b"\xff\xe0" + (len(body) + 2).to_bytes(2, "big") + body for body in (jfif, jfxx))
    length = int.from_bytes(original[4:6], "big")
    with_thumbnails = original[:2] + segments + original[4 + length :]
    response = upload(client, setup.upload_url, with_thumbnails, "cropped.jpg", setup.focal_a)
    assert response.status_code == 201, response.text
    stored = store.path_of(response.json()["sha256"]).read_bytes()
    assert thumbnail not in stored and b"JFXX" not in stored and b"thumbnail" not in stored
    assert stored[2:4] == b"\xff\xe0" and stored[6:11] == b"JFIF\x00"  # the header kept, first
    with Image.open(io.BytesIO(stored)) as kept, Image.open(io.BytesIO(original)) as before:
        assert kept.tobytes() == before.tobytes() and kept.info.get("jfif_density") == (1, 1)


def test_an_upright_photo_keeps_no_exif_at_all(client: TestClient, setup: Setup, store: BlobStore) -> None:
    response = upload(client, setup.upload_url, _photo("JPEG", orientation=None), "site.jpg", setup.focal_a)
    assert response.status_code == 201, response.text
    stored = store.path_of(response.json()["sha256"]).read_bytes()
    assert b"Exif" not in stored
    with Image.open(io.BytesIO(stored)) as kept:
        assert dict(kept.getexif()) == {}


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (_photo("JPEG")[:300], "cut.jpg"),  # cut in its headers
        (_photo("PNG")[:-30], "cut.png"),  # no end
        (b"RIFF\xff\x00\x00\x00WEBPVP8X", "cut.webp"),
    ],
)
def test_a_damaged_photo_is_refused_naming_the_file(
    client: TestClient, setup: Setup, store: BlobStore, data: bytes, name: str
) -> None:
    before = sorted(sha for sha, _path in store.stored())
    response = upload(client, setup.upload_url, data, name, setup.focal_a)
    assert response.status_code == 422 and problem_fields(response) == ["file"]
    assert "location and camera data cannot be removed" in response.json()["errors"][0]["reason"]
    assert sorted(sha for sha, _path in store.stored()) == before and not list(store.temporaries())


def test_the_api_reference_says_photos_are_stored_without_their_metadata() -> None:
    """A client that checked its upload against its own SHA-256 found another (the photo's metadata
    removed) with nothing in the API reference saying why."""
    from app.openapi import openapi_document

    upload = openapi_document()["paths"]["/api/v1/progress/{progress_id}/evidence"]["post"]
    said = " ".join(upload["description"].split())
    assert "JPEG, PNG, WebP and TIFF images are stored without their metadata" in said
    assert "`size` and `sha256` returned are those of the stored file" in said


def _tiff() -> bytes:
    """A two-page TIFF (a scan) with a phone's metadata: EXIF and GPS directories, camera, XMP, IPTC."""
    info = TiffImagePlugin.ImageFileDirectory_v2()
    info[ORIENTATION] = 6
    info[MODEL] = "Pixel 9 of the author"
    info[EXIF_IFD] = {0x9003: "2025:01:01 10:00:00"}  # DateTimeOriginal
    info[GPS_IFD] = {1: "S", 2: (12.0, 2.0, 30.0), 3: "W", 4: (77.0, 1.0, 45.0)}
    info[700] = XMP
    info[33723] = b"IPTC home of the author"
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    buffer = io.BytesIO()
    second = _picture().rotate(90, expand=True)
    _picture().save(buffer, "TIFF", tiffinfo=info, icc_profile=icc, save_all=True, append_images=[second])
    data = buffer.getvalue()
    assert all(leak in data for leak in LEAKS)
    return data


def test_a_tiff_is_stored_without_its_location(client: TestClient, setup: Setup, store: BlobStore) -> None:
    # A TIFF was stored as sent, its GPS position, camera, time, XMP and IPTC published with it.
    original = _tiff()
    response = upload(client, setup.upload_url, original, "scan.tif", setup.focal_a)
    assert response.status_code == 201, response.text
    stored = store.path_of(response.json()["sha256"]).read_bytes()
    assert response.json()["size"] == len(stored) < len(original)
    for leak in (*LEAKS, b"2025:01:01", b"IPTC"):
        assert leak not in stored, leak
    with Image.open(io.BytesIO(stored)) as kept, Image.open(io.BytesIO(original)) as before:
        assert kept.format == "TIFF" and getattr(kept, "n_frames", 1) == getattr(before, "n_frames", 1) == 2
        assert dict(kept.getexif()).keys() & {MODEL, EXIF_IFD, GPS_IFD, 700, 33723} == set()
        assert kept.getexif()[ORIENTATION] == 6
        assert kept.info.get("icc_profile") == before.info.get("icc_profile")
        for page in range(2):  # every page, its pixels the same
            kept.seek(page)
            before.seek(page)
            assert kept.size == before.size and kept.tobytes() == before.tobytes()
