"""The background task: ``alarfund worker`` (django-tasks' database worker) runs it."""

from __future__ import annotations

import uuid
from typing import Any

from django_tasks import task


@task()
def import_tracking_numbers(job_id: str) -> dict[str, Any]:
    """Import one queued list (``ImportJob``); a job that is not queued is left alone."""
    from .importer import run_import

    job = run_import(uuid.UUID(job_id))
    return {"status": job.status, "valid_unique": job.valid_unique, "error": job.error_code}


@task()
def tracking_lists_follow_up(job_id: str, replaced: list[str]) -> dict[str, Any]:
    """After a list became current: remove the replaced list's rows, recount the lists it affects."""
    from .services import follow_up

    recounted = follow_up(uuid.UUID(job_id), [uuid.UUID(r) for r in replaced])
    return {"recounted": len(recounted)}
