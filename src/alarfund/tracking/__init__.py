"""Tracking-number lists (快递单号明细, Art. 10 and 16(八)): streaming import, checks and reports."""
