"""Copy the NHS.UK frontend from node_modules into static/vendor/nhsuk, served by the app.

The published stylesheet loads the licensed Frutiger web font from NHS servers and its
icons from /assets/. Accord serves nothing from a CDN, so the @font-face rules are
removed (the font stack falls back to Arial / Liberation Sans) and asset URLs are
pointed at our own static folder.
"""

import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "node_modules" / "nhsuk-frontend" / "dist" / "nhsuk"
TARGET = ROOT / "static" / "vendor" / "nhsuk"
FONT_FACE = re.compile(r"@font-face\s*{[^}]*}")


def main() -> int:
    if not SOURCE.is_dir():
        print("node_modules/nhsuk-frontend is missing: run npm ci first", file=sys.stderr)
        return 1
    if TARGET.exists():
        shutil.rmtree(TARGET)
    TARGET.mkdir(parents=True)
    shutil.copytree(SOURCE / "assets", TARGET / "assets")
    shutil.copy2(SOURCE / "nhsuk-frontend.min.js", TARGET / "nhsuk-frontend.min.js")
    css = (SOURCE / "nhsuk-frontend.min.css").read_text(encoding="utf-8")
    css = FONT_FACE.sub("", css)
    css = css.replace("url(/assets/", "url(/static/vendor/nhsuk/assets/")
    css = re.sub(r"/\*# sourceMappingURL=[^*]*\*/", "", css)
    if "assets.nhs.uk" in css or "https://" in css.replace("https://www.w3.org", ""):
        print("warning: the stylesheet still refers to an outside address", file=sys.stderr)
    (TARGET / "nhsuk-frontend.min.css").write_text(css, encoding="utf-8")
    js = (TARGET / "nhsuk-frontend.min.js").read_text(encoding="utf-8")
    js = re.sub(r"//# sourceMappingURL=\S+", "", js)
    (TARGET / "nhsuk-frontend.min.js").write_text(js, encoding="utf-8")
    print(f"NHS.UK frontend copied to {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
