"""Organisations (统一社会信用代码), users, roles and the permission table."""
