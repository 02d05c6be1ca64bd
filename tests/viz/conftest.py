"""Figures are drawn headless with the Agg backend."""

import matplotlib

matplotlib.use("Agg")
