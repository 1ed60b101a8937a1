"""Where the launcher runs from: the project root (the services' working folder) and the
default state folder."""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_STATE_DIR = PROJECT_ROOT / ".local"


def logs_of(state: Path) -> Path:
    """The folder of the processes' logs: one `<name>.log` each, appended to on every start."""
    return state / "logs"
