"""``python -m backprop_studio``: the same as the ``backprop-studio`` command."""

import sys

from backprop_studio.main import main

sys.exit(main(prog="python -m backprop_studio"))
