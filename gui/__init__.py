"""Backprop Studio's Qt front end: it shows what engine/ computed and never recomputes it."""
