"""Datasets: generated 2-D sets, the user's points and small image sets (digits, shapes)."""

from engine.data.dataset import NAMES, Dataset, make_dataset

__all__ = ["NAMES", "Dataset", "make_dataset"]
