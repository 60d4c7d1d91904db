"""A photo or picture given to an import (the file dialog still in the folder of the evidence photos,
a screenshot of the table): each import named it after its own first stumble. The UHRI import called
it "not JSON (a CSV or other text file?)", the search export's "File is not a zip file" (zipfile's
words), the template's "not UTF-8: byte b'\\x89' ...; re-save the file as UTF-8". It is named for what
it is, from its first bytes (app/feed/sniff.py), as a PDF is."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

import pytest

from app.feed.records import MalformedInput
from app.feed.template.reader import read_csv_template
from importers.uhri_json import read_uhri_json
from importers.uhri_xlsx import read_uhri_xlsx
from importers.upr_info_csv import read_upr_info_csv

IMAGES = {
    "png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(40),
    "jpeg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(40),
    "gif": b"GIF89a\x04\x00\x04\x00" + bytes(40),
    "webp": b"RIFF\x24\x00\x00\x00WEBPVP8 " + bytes(40),
    "heic": b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00" + bytes(40),
}
READERS: dict[str, Callable[[Path], Iterable[object]]] = {
    "uhri-json": lambda path: read_uhri_json(path, "en"),
    "uhri-xlsx": read_uhri_xlsx,
    "template": read_csv_template,
    "upr-info": lambda path: read_upr_info_csv(path, None),
}


@pytest.mark.parametrize("image", IMAGES)
@pytest.mark.parametrize("reader", READERS)
def test_an_image_is_named_as_one(tmp_path: Path, image: str, reader: str) -> None:
    path = tmp_path / "upload"
    path.write_bytes(IMAGES[image])
    with pytest.raises(MalformedInput) as refused:
        list(READERS[reader](path))
    assert "this is an image (a photo or a picture)" in str(refused.value)
