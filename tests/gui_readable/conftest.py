"""The readability tests: every example opened, Run and measured (sys.path for the helper)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
