"""Draw the app icons of the web manifest (loket/web/static/web/icon-*.png): a passport on Loket blue.

The SVG icon (icon.svg) is the same drawing by hand. Run: .venv/bin/python scripts/make_icons.py
"""

from pathlib import Path

from PIL import Image, ImageDraw

BLUE, WHITE = "#0b3d6e", "#ffffff"
OUT = Path(__file__).resolve().parents[1] / "loket" / "web" / "static" / "web"


def icon(size: int) -> Image.Image:
    def px(value: float) -> int:
        return round(value * size / 512)

    image = Image.new("RGB", (size, size), BLUE)
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((px(136), px(88), px(376), px(424)), radius=px(28), fill=WHITE)
    draw.ellipse((px(196), px(160), px(316), px(280)), outline=BLUE, width=px(20))
    draw.rectangle((px(186), px(330), px(326), px(350)), fill=BLUE)
    draw.rectangle((px(216), px(370), px(296), px(384)), fill=BLUE)
    return image


if __name__ == "__main__":
    for size in (192, 512):
        icon(size).save(OUT / f"icon-{size}.png", optimize=True)
