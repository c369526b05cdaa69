"""Settings modules: ``base`` (shared), ``dev`` (single machine, the default), ``test`` and ``production``.

Every value that differs between installations comes from the environment (see ``env.py`` and
docs/security.md); nothing secret is committed.
"""
