"""Downloads: only through this permission-checked view, never from a served folder."""

from __future__ import annotations

import uuid

from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from alarfund.accounts.decorators import signed_in
from alarfund.audit.services import AuditContext

from .filenames import content_disposition
from .services import DocumentPurged, document_file_open


@signed_in
@require_GET
def download(request: HttpRequest, file_id: uuid.UUID) -> FileResponse | HttpResponse:
    """Send one stored file as an attachment. 404 for unknown or other organisations' files, 410 with
    the date for a file deleted under the retention rules."""
    try:
        document_file, handle = document_file_open(
            user=request.user, document_file_id=file_id, context=AuditContext.of(request)
        )
    except DocumentPurged as gone:
        return render(request, "evidence/purged.html", {"file": gone.document_file}, status=410)
    response = FileResponse(handle, content_type=document_file.content_type)
    response["Content-Disposition"] = content_disposition(document_file.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store, private, max-age=0"
    response["Pragma"] = "no-cache"
    # Should a browser ever render it, nothing in it may run or load anything.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response
