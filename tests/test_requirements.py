"""requirements.txt, which Heroku installs, must agree with pyproject.toml's dependencies."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "requirements.py"
REQUIREMENTS = ROOT / "requirements.txt"


def check(requirements: Path = REQUIREMENTS) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(SCRIPT), "--check", "--requirements", str(requirements)],
        capture_output=True,
        text=True,
        check=False,
    )


def test_requirements_txt_pins_what_pyproject_asks_for():
    result = check()
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("edit", "says"),
    [
        (lambda text: text.replace("flask==", "# flask=="), "flask (pyproject.toml) is not in"),
        (lambda text: text.replace("twilio==9.13.0", "twilio==9.0.5"), "does not satisfy"),
        (lambda text: text.replace("pyyaml==", "pyyaml>="), "is not pinned as name==version"),
        (lambda text: text.replace("markupsafe==", "# markupsafe=="), "markupsafe is needed"),
        (lambda text: text + "requests-oauthlib==2.0.0\n", "pinned but nothing needs it"),
    ],
    ids=["dependency missing", "pin too old", "not pinned", "transitive missing", "stray pin"],
)
def test_a_requirements_file_out_of_step_is_refused(tmp_path, edit, says):
    stale = tmp_path / "requirements.txt"
    stale.write_text(edit(REQUIREMENTS.read_text(encoding="utf-8")), encoding="utf-8")
    result = check(stale)
    assert result.returncode == 1
    assert says in result.stderr
    assert "run `make requirements`" in result.stderr
