"""The script PyInstaller freezes: everything is in fieldsurvey.frozen (tested without a build)."""

import sys

from fieldsurvey.frozen import main

if __name__ == "__main__":
    sys.exit(main())
