"""Write docs/staff-page.png and docs/staff-page-phone.png: the staff page with a sample preview.

Serves the shipped directory in demo mode on loopback and photographs it in headless Chromium,
with the same set-up as tests/test_browser.py. Run it with `make screenshot`.
"""

import sys
import tempfile
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from chrome import headless_chrome, serving  # noqa: E402

from app import create_app  # noqa: E402
from app.directory import DEFAULT_PATH  # noqa: E402

SAMPLE = {"text": "my boyfriend makes me sell myself and i ran away", "language": "auto"}
# What a coordinator sees first: the form, the reply and the lead numbers.
SIZES = {"staff-page.png": (1280, 1250), "staff-page-phone.png": (390, 1500)}


def main() -> None:
    app = create_app({"DEMO_MODE": True, "REFERRALS_PATH": str(DEFAULT_PATH)})
    with serving(app) as url, tempfile.TemporaryDirectory() as profile:
        for name, (width, height) in SIZES.items():
            with headless_chrome(Path(profile) / name) as driver:
                # Exact viewport sizes: a headless window is never narrower than 500 px.
                metrics = {"width": width, "height": height, "deviceScaleFactor": 1}
                metrics["mobile"] = width < 600
                driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
                driver.get(f"{url}/?{urlencode(SAMPLE)}")
                target = ROOT / "docs" / name
                target.parent.mkdir(exist_ok=True)
                driver.save_screenshot(str(target))
                print(f"wrote {target.relative_to(ROOT)} ({width} px wide)")


if __name__ == "__main__":
    main()
