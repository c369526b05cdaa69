"""alarfund: the Alar e-commerce and logistics reward and support fund platform."""

__version__ = "0.1.0"
