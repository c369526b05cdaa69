"""The public policy calculator: figures in, the engine's estimate and the materials out (no login)."""
