"""Compute economics: gigawatts to dollars and back, and the revenue the build-out needs."""

from dealweb.compute.pricing import price_gigawatts

__all__ = ["price_gigawatts"]
