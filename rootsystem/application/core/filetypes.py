"""What a file is, read from its bytes: the one place puremagic and imagesize are touched.

A client's Content-Type and file name are whatever it chose to send, so uploads, the `file_types`
and `image` rules and the storage route all ask this module instead. puremagic was picked over
filetype: it is maintained, and it recognises the text formats that matter most here (HTML,
SVG, XML), which filetype does not see at all, so an HTML page renamed `photo.png` is named as
HTML. Image dimensions come from imagesize, which reads them from the headers (PNG IHDR, JPEG
SOF, GIF, WebP...) without decoding a pixel, so a 20000x20000 bomb costs a few hundred bytes to
refuse.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import BinaryIO

HEAD_SIZE = 4096  # puremagic's signatures sit in the first bytes (its own readers look at 8 KB at most)
UNKNOWN = "application/octet-stream"
# One extension per type, the one a generated name gets and `file_types:` compares with.
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/gif": "gif", "image/webp": "webp",
              "application/pdf": "pdf", "image/svg+xml": "svg", "text/html": "html"}
ALIASES = {"jpeg": "jpg", "jpe": "jpg", "jfif": "jpg", "htm": "html"}
IMAGES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp"})
# Served inline, these could run script in the site's origin (HTML, SVG, XML with XSLT...).
ACTIVE = frozenset({"text/html", "image/svg+xml", "application/xhtml+xml", "text/xml", "application/xml",
                    "text/javascript", "application/javascript"})


@dataclass(frozen=True)
class FileType:
    mime: str
    extension: str  # without the dot; "bin" when the content is not recognised

    @property
    def is_image(self) -> bool:
        """A raster image whose dimensions can be read (SVG is markup, not one of these)."""
        return self.mime in IMAGES

    @property
    def is_active(self) -> bool:
        return self.mime in ACTIVE


def extension_name(extension: str) -> str:
    """`JPEG`, `.jpe` and `jpg` are one name, the one `file_types:` lists compare."""
    name = extension.lower().lstrip(".")
    return ALIASES.get(name, name)


def sniff(head: bytes) -> FileType:
    """The type of a file whose first bytes are `head` (`HEAD_SIZE` of them is enough)."""
    import puremagic  # imported at the first upload, not with every module that names a file rule

    try:
        matches = puremagic.magic_string(head)
    except (puremagic.PureError, ValueError):
        matches = []
    if not matches:
        return FileType(UNKNOWN, "bin")
    best = matches[0]
    mime = best.mime_type or UNKNOWN
    return FileType(mime, EXTENSIONS.get(mime) or extension_name(best.extension) or "bin")


def sniff_file(file: BinaryIO) -> FileType:
    """`sniff` of an open file, which is left at its start."""
    file.seek(0)
    head = file.read(HEAD_SIZE)
    file.seek(0)
    return sniff(head)


def dimensions(file: BinaryIO) -> tuple[int, int] | None:
    """(width, height) of a raster image from its headers, or None when they cannot be read."""
    import imagesize

    file.seek(0)
    try:
        width, height = imagesize.get(file)
    except (OSError, ValueError):
        width = height = -1
    finally:
        file.seek(0)
    return (width, height) if width > 0 and height > 0 else None
