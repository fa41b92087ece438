"""Uploaded images: checked by content with Pillow, re-encoded, stored under generated names."""

from __future__ import annotations

import secrets
from pathlib import Path

from flask import Response, abort, current_app, send_from_directory
from PIL import Image, UnidentifiedImageError
from werkzeug.datastructures import FileStorage

ACCEPTED_FORMATS = {"PNG", "JPEG", "WEBP", "GIF"}
# Decompression bombs: a picture is refused on its declared size, before it is decoded. (Pillow's
# own MAX_IMAGE_PIXELS only warns up to twice its value.)
MAX_PIXELS = 40_000_000


class InvalidImage(ValueError):
    """The file is not an image this site accepts."""


def upload_folder(kind: str) -> Path:
    folder = Path(current_app.instance_path) / "uploads" / kind
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def save_image(upload: FileStorage, kind: str, max_side: int) -> str:
    """Store a resized PNG copy of an uploaded image and return its generated file name."""
    try:
        with Image.open(upload.stream) as image:
            if image.format not in ACCEPTED_FORMATS:
                raise InvalidImage(image.format)
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise InvalidImage(f"{width} x {height} pixels, more than {MAX_PIXELS}")
            image.load()
            image.thumbnail((max_side, max_side))
            converted = image.convert("RGBA")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as error:
        raise InvalidImage(str(error)) from None
    name = f"{secrets.token_hex(16)}.png"
    converted.save(upload_folder(kind) / name, format="PNG", optimize=True)
    return name


def remove_image(kind: str, name: str | None) -> None:
    if name:
        (upload_folder(kind) / Path(name).name).unlink(missing_ok=True)


def send_image(kind: str, name: str | None) -> Response:
    if not name:
        abort(404)
    response = send_from_directory(upload_folder(kind), Path(name).name, max_age=3600 * 24 * 7)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def save_variant(kind: str, name: str, max_side: int) -> str:
    """A smaller copy of a stored image, named ``<stem>-<max_side>.png`` (for lists and cards)."""
    folder = upload_folder(kind)
    source = folder / Path(name).name
    variant = f"{source.stem}-{max_side}.png"
    with Image.open(source) as image:
        image.thumbnail((max_side, max_side))
        image.save(folder / variant, format="PNG", optimize=True)
    return variant
