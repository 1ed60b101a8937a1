"""The text of a PDF as `pdftotext -raw` reads it (Debian's poppler-utils, which `.ci/run`
installs): how the tests check what the printed paperwork says."""

from __future__ import annotations

import shutil
import subprocess


def pdf_text(pdf: bytes) -> str:
    """The PDF's text, in reading order."""
    pdftotext = shutil.which("pdftotext")
    assert pdftotext is not None, "apt-get install poppler-utils"
    done = subprocess.run(  # noqa: S603 - Debian's pdftotext on our own bytes
        [pdftotext, "-raw", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return done.stdout.decode()
