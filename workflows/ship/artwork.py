"""The show's artwork: the configured image (checked against the podcast apps' rules), or one made from the show name.

Apple Podcasts and Spotify want a square PNG or JPEG, RGB, between 1400 and 3000 px a
side. A generated artwork is the same bytes for the same show name (Pillow draws it with
its own built-in font), so publishing it again changes nothing.
"""

from __future__ import annotations

import colorsys
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont, UnidentifiedImageError

from workflows.errors import ConfigError

MIN_SIDE, MAX_SIDE = 1400, 3000
#: The side of a generated artwork.
SIDE = 1400
_TYPES = {"PNG": ("png", "image/png"), "JPEG": ("jpg", "image/jpeg")}


@dataclass(frozen=True)
class Artwork:
    data: bytes
    ext: str  # "png" or "jpg"
    media_type: str
    side: int

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def show_artwork(show_name: str, configured: Path | None = None) -> Artwork:
    """The configured artwork file if there is one (ConfigError if podcast apps would refuse it), else a generated one."""
    if configured is not None:
        return _checked(Path(configured))
    return Artwork(generated(show_name), "png", "image/png", SIDE)


def _checked(path: Path) -> Artwork:
    hint = (f"Use a square PNG or JPEG between {MIN_SIDE} and {MAX_SIDE} px a side for publish.artwork_file, "
            "or remove the setting to let papercast draw one from the show name.")
    try:
        data = path.read_bytes()
        with Image.open(io.BytesIO(data)) as img:
            fmt, (w, h), mode = img.format, img.size, img.mode
    except OSError as e:
        why = "is not an image papercast can read" if isinstance(e, UnidentifiedImageError) else f"cannot be read ({e})"
        raise ConfigError(f"The show artwork {path} {why}.", hint) from None
    if fmt not in _TYPES:
        raise ConfigError(f"The show artwork {path} is {fmt}; podcast apps take PNG or JPEG.", hint)
    if w != h or not MIN_SIDE <= w <= MAX_SIDE:
        raise ConfigError(f"The show artwork {path} is {w}×{h} px; podcast apps want a square of "
                          f"{MIN_SIDE} to {MAX_SIDE} px.", hint)
    if mode not in ("RGB", "RGBA", "P", "L"):
        raise ConfigError(f"The show artwork {path} is in the {mode} colour space; podcast apps want RGB.", hint)
    ext, media_type = _TYPES[fmt]
    return Artwork(data, ext, media_type, w)


def generated(show_name: str, side: int = SIDE) -> bytes:
    """A PNG: the show name in large white letters on a colour chosen from the name, with a sound-wave mark."""
    digest = hashlib.sha256(show_name.encode("utf-8")).digest()
    hue = digest[0] / 255
    background = tuple(round(c * 255) for c in colorsys.hls_to_rgb(hue, 0.30, 0.55))
    accent = tuple(round(c * 255) for c in colorsys.hls_to_rgb((hue + 0.08) % 1, 0.62, 0.75))
    img = Image.new("RGB", (side, side), background)
    draw = ImageDraw.Draw(img)
    margin = side // 10
    lines, font = _fit(draw, show_name.strip() or "Podcast", side - 2 * margin, side // 2)
    height = sum(_box(draw, line, font)[1] for line in lines) + (len(lines) - 1) * font.size // 4
    y = (side - height) // 2 - side // 12
    for line in lines:
        w, h = _box(draw, line, font)
        draw.text(((side - w) // 2, y), line, font=font, fill=(255, 255, 255))
        y += h + font.size // 4
    bars = 17
    width = (side - 2 * margin) // (bars * 2)
    base = side - margin - side // 12
    for i in range(bars):
        tall = side // 40 + (digest[1 + i] % 100) * side // 900
        x = margin + i * 2 * width + width // 2
        draw.rounded_rectangle((x, base - tall, x + width, base + tall), radius=width // 2, fill=accent)
    out = io.BytesIO()
    img.save(out, format="PNG", optimize=True, dpi=(72, 72))
    return out.getvalue()


def _box(draw: ImageDraw.ImageDraw, text: str, font) -> tuple[int, int]:
    left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
    return round(right - left), round(bottom - top)  # whole pixels: Pillow types the box as floats


def _fit(draw: ImageDraw.ImageDraw, text: str, width: int, height: int):
    """The largest font (and the words wrapped into lines) that fits the name in width × height."""
    words = text.split()
    for size in range(height // 2, 24, -8):
        font = ImageFont.load_default(size=size)
        lines: list[str] = []
        for word in words:
            trial = f"{lines[-1]} {word}" if lines else word
            if lines and _box(draw, trial, font)[0] <= width:
                lines[-1] = trial
            else:
                lines.append(word)
        tall = len(lines) * size * 5 // 4
        if all(_box(draw, line, font)[0] <= width for line in lines) and tall <= height:
            return lines, font
    return [text[:40]], ImageFont.load_default(size=24)
