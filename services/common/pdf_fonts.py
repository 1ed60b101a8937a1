"""The DejaVu fonts every PDF of the system is set in (Cyrillic needs a Unicode font)."""

from __future__ import annotations

from pathlib import Path
from typing import Final

import fpdf

DEFAULT_FONT_DIR: Final = Path("/usr/share/fonts/truetype/dejavu")
"""Where Debian's `fonts-dejavu-core` puts the DejaVu TTF fonts."""
FAMILY: Final = "DejaVu"
_FILES: Final = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}


def add_dejavu(pdf: fpdf.FPDF, font_dir: Path) -> None:
    """Give `pdf` DejaVu Sans, regular and bold, as `FAMILY`; FileNotFoundError naming the
    Debian package when a font is missing."""
    for style, name in _FILES.items():
        if not (font_dir / name).is_file():
            msg = (
                f"font {font_dir / name} not found: install the Debian package "
                "fonts-dejavu-core (apt-get install fonts-dejavu-core) or pass font_dir"
            )
            raise FileNotFoundError(msg)
        pdf.add_font(FAMILY, style, font_dir / name)
