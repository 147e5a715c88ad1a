"""Datasets: generated 2-D sets now; images, CSV and downloads stand beside them."""

from engine.data.dataset import Dataset, make_dataset

__all__ = ["Dataset", "make_dataset"]
