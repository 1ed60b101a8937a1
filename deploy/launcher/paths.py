"""Where the launcher runs from: the project root (the services' working folder) and the
default state folder."""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_STATE_DIR = PROJECT_ROOT / ".local"
