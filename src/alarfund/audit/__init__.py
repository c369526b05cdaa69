"""Append-only, hash-chained audit trail (ASVS 16.x, 等保 安全审计)."""
