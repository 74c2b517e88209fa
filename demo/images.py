"""Demo pictures drawn locally with Pillow (nothing is downloaded)."""

import hashlib
import io

from PIL import Image as PILImage
from PIL import ImageDraw

PALETTE = [
    ((179, 21, 27), (246, 226, 214)),
    ((31, 78, 121), (220, 232, 244)),
    ((46, 110, 72), (222, 240, 228)),
    ((120, 72, 28), (244, 232, 216)),
    ((90, 60, 130), (234, 226, 244)),
]


def _colours(seed):
    digest = hashlib.sha256(seed.encode("utf-8")).digest()
    return PALETTE[digest[0] % len(PALETTE)], digest


def portrait_png(seed, size=(480, 600)):
    """A stylised head-and-shoulders silhouette on a tinted ground, distinct per ``seed``."""
    (dark, light), digest = _colours(seed)
    width, height = size
    image = PILImage.new("RGB", size, light)
    draw = ImageDraw.Draw(image)
    for y in range(height):
        shade = int(40 * y / height)
        draw.line([(0, y), (width, y)], fill=tuple(max(0, c - shade) for c in light))
    head_r = width // 6 + digest[1] % 12
    cx, cy = width // 2, height // 2 - head_r // 2
    draw.ellipse([cx - head_r, cy - head_r, cx + head_r, cy + head_r], fill=dark)
    draw.pieslice(
        [cx - width // 2.4, cy + head_r, cx + width // 2.4, cy + head_r + height // 1.4],
        180,
        360,
        fill=dark,
    )
    draw.rectangle([0, height - 18, width, height], fill=dark)
    return _png(image)


def scene_png(seed, size=(960, 540)):
    """A simple landscape (hills, river, sun) used as a work photo in deeds."""
    (dark, light), digest = _colours(seed)
    width, height = size
    image = PILImage.new("RGB", size, light)
    draw = ImageDraw.Draw(image)
    sun_x = 120 + digest[2] * 3 % (width - 240)
    draw.ellipse([sun_x - 40, 60, sun_x + 40, 140], fill=(250, 200, 80))
    for layer in range(3):
        base = height * (0.55 + 0.12 * layer)
        colour = tuple(min(255, c + 40 * (2 - layer)) for c in dark)
        points = [(0, height)]
        for x in range(0, width + 1, 60):
            wobble = (digest[(x // 60 + layer) % len(digest)] % 60) - 30
            points.append((x, base + wobble))
        points.append((width, height))
        draw.polygon(points, fill=colour)
    draw.rectangle([0, height - 60, width, height - 30], fill=(120, 170, 210))
    return _png(image)


def _png(image):
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
