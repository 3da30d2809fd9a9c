"""Draw the app icons (a figure doing a lateral raise with a band) as PNG files.

Plain Python (zlib) so no imaging library is needed; run it after changing the design:
``python scripts/make_icons.py``. Shapes are signed distances, antialiased by
coverage, in a unit square.
"""

from __future__ import annotations

import math
import struct
import zlib
from pathlib import Path

ICONS = Path(__file__).resolve().parent.parent / "static" / "icons"
BACKGROUND = (11, 92, 85)
FIGURE = (255, 255, 255)
BAND = (255, 196, 61)


def _segment(px: float, py: float, ax: float, ay: float, bx: float, by: float) -> float:
    dx, dy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return math.hypot(px - (ax + t * dx), py - (ay + t * dy))


def _shapes(x: float, y: float) -> tuple[float, float]:
    """Distance outside the figure and outside the band (negative: inside)."""
    head = math.hypot(x - 0.5, y - 0.27) - 0.075
    limbs = (
        min(
            _segment(x, y, 0.5, 0.38, 0.5, 0.6),  # body
            _segment(x, y, 0.5, 0.41, 0.27, 0.36),  # arms out at shoulder height
            _segment(x, y, 0.5, 0.41, 0.73, 0.36),
            _segment(x, y, 0.5, 0.6, 0.4, 0.8),  # legs
            _segment(x, y, 0.5, 0.6, 0.6, 0.8),
        )
        - 0.045
    )
    band = min(_segment(x, y, 0.27, 0.36, 0.36, 0.8), _segment(x, y, 0.73, 0.36, 0.64, 0.8)) - 0.012
    return min(head, limbs), band


def draw(size: int, scale: float, rounded: bool) -> bytes:
    rows = []
    samples = 3
    for j in range(size):
        row = bytearray([0])
        for i in range(size):
            acc = [0.0, 0.0, 0.0, 0.0]
            for sj in range(samples):
                for si in range(samples):
                    u = (i + (si + 0.5) / samples) / size
                    v = (j + (sj + 0.5) / samples) / size
                    corner = 0.18
                    cu, cv = min(max(u, corner), 1 - corner), min(max(v, corner), 1 - corner)
                    inside = not rounded or math.hypot(u - cu, v - cv) <= corner
                    # Scale the drawing about the centre (maskable icons keep a safe zone).
                    x, y = 0.5 + (u - 0.5) / scale, 0.5 + (v - 0.5) / scale
                    figure, band = _shapes(x, y)
                    colour = FIGURE if figure < 0 else BAND if band < 0 else BACKGROUND
                    if inside:
                        for k in range(3):
                            acc[k] += colour[k]
                        acc[3] += 255
            n = samples * samples
            alpha = acc[3] / n
            row += bytes(int(acc[k] / max(1, acc[3] / 255)) for k in range(3)) + bytes([int(alpha)])
        rows.append(bytes(row))
    return _png(size, size, b"".join(rows))


def solid(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    row = b"\0" + bytes((*rgb, 255)) * width
    return _png(width, height, row * height)


def _png(width: int, height: int, raw: bytes) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + crc

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def main() -> None:
    ICONS.mkdir(parents=True, exist_ok=True)
    (ICONS / "icon-192.png").write_bytes(draw(192, 1.0, rounded=True))
    (ICONS / "icon-512.png").write_bytes(draw(512, 1.0, rounded=True))
    # Maskable: full bleed, the figure inside the central 80 % safe zone.
    (ICONS / "maskable-512.png").write_bytes(draw(512, 0.78, rounded=False))
    (ICONS / "apple-touch-icon.png").write_bytes(draw(180, 0.9, rounded=False))


if __name__ == "__main__":
    main()
