"""The plan as the round file's output (shared/spec/round-file.md §Output): JSON, byte-stable.

Amounts are strings with exactly two decimals; applicants in input order; categories in line order.
The JSON is assembled from escaped pieces rather than one giant dict so that a million-applicant round
stays within its time and memory budget; `plan_dict` gives the same document as Python objects.
"""

from __future__ import annotations

import json
import multiprocessing
from collections.abc import Iterator
from typing import Any

import numpy as np

from alarfund.policy.eligibility import REASONS
from alarfund.policy.engine import RoundResult
from alarfund.policy.entitlements import LINES
from alarfund.policy.explain import Explainer
from alarfund.policy.money import format_fen, format_ratio

_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
_string = json.encoder.encode_basestring  # the C string escaper
#: Applicants explained per block: Python lists index fast, and a block keeps memory bounded.
BLOCK = 50_000


def categories_dict(result: RoundResult) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for line in LINES:
        category = result.categories[line]
        if category.entitled <= 0:
            continue
        entry = {"entitled": format_fen(category.entitled)}
        if category.budget is not None:
            entry["budget"] = format_fen(category.budget)
        entry["paid"] = format_fen(category.paid)
        if category.reduced:
            entry["factor"] = format_ratio(category.factor)
        out[line] = entry
    return out


def _head(result: RoundResult) -> dict[str, Any]:
    return {
        "sales_year": result.facts.sales_year,
        "interpretation": result.facts.interpretation.as_dict(),
        "total": format_fen(result.total),
        "commitments_total": format_fen(result.facts.commitments_total),
        "categories": categories_dict(result),
    }


def _blocks(n: int) -> Iterator[range]:
    for start in range(0, n, BLOCK):
        yield range(start, min(start + BLOCK, n))


def applicant_dicts(result: RoundResult, lang: str = "zh-hans") -> Iterator[dict[str, Any]]:
    ids = result.facts.applicants.ids
    failed = result.failed.tolist()
    totals = result.totals.tolist()
    for rows in _blocks(len(ids)):
        explainer = Explainer(result, lang, rows=rows)
        for i in rows:
            bits = failed[i]
            if bits:
                yield {
                    "id": ids[i],
                    "eligible": False,
                    "reasons": [r.code for position, r in enumerate(REASONS) if bits >> position & 1],
                    "total": "0.00",
                    "lines": [],
                }
                continue
            yield {
                "id": ids[i],
                "eligible": True,
                "reasons": [],
                "total": format_fen(totals[i]),
                "lines": [
                    {
                        "article": line.article,
                        "entitled": format_fen(line.entitled),
                        "paid": format_fen(line.paid),
                        "excluded": line.excluded,
                        "explanation": line.text,
                    }
                    for line in explainer.lines(i)
                ],
            }


def _line_json_block(result: RoundResult, lang: str, rows: range) -> list[list[str | None]]:
    """Per line id, each applicant's line in `rows` as JSON text (None where not entitled), built line
    by line (one rule at a time is faster than one applicant at a time)."""
    explainer = Explainer(result, lang, rows=rows)
    columns: list[list[str | None]] = []
    for line in LINES:
        column: list[str | None] = [None] * len(rows)
        entitled = explainer.entitled[line]
        paid = explainer.paid[line]
        excluded = explainer.excluded.get(line)
        for j in np.flatnonzero(result.entitled[line][rows.start : rows.stop] > 0).tolist():
            flag = "true" if excluded is not None and excluded[j] else "false"
            column[j] = (
                f'{{"article":"{line}","entitled":"{format_fen(entitled[j])}","paid":"{format_fen(paid[j])}",'
                f'"excluded":{flag},"explanation":{_string(explainer.text(line, rows.start + j))}}}'
            )
        columns.append(column)
    return columns


def plan_dict(result: RoundResult, lang: str = "zh-hans") -> dict[str, Any]:
    document = _head(result)
    document["applicants"] = list(applicant_dicts(result, lang))
    return document


def _applicants_json(result: RoundResult, lang: str, rows: range) -> str:
    """The applicants of one block as JSON text, each preceded by a comma (the caller strips the first)."""
    ids = result.facts.applicants.ids
    failed = result.failed[rows.start : rows.stop].tolist()
    totals = result.totals[rows.start : rows.stop].tolist()
    line_json = _line_json_block(result, lang, rows)
    pieces = []
    for j, i in enumerate(rows):
        bits = failed[j]
        if bits:
            codes = ",".join(f'"{r.code}"' for position, r in enumerate(REASONS) if bits >> position & 1)
            pieces.append(
                f',{{"id":{_string(ids[i])},"eligible":false,"reasons":[{codes}],"total":"0.00","lines":[]}}'
            )
        else:
            lines = ",".join([text for column in line_json if (text := column[j]) is not None])
            pieces.append(
                f',{{"id":{_string(ids[i])},"eligible":true,"reasons":[],'
                f'"total":"{format_fen(totals[j])}","lines":[{lines}]}}'
            )
    return "".join(pieces)


_shared: tuple[RoundResult, str] | None = None  # the round, inherited by forked workers (never pickled)


def _worker_block(rows: range) -> str:
    assert _shared is not None
    return _applicants_json(_shared[0], _shared[1], rows)


def plan_json_chunks(result: RoundResult, lang: str = "zh-hans", workers: int = 1) -> Iterator[str]:
    """The plan as JSON text, piece by piece.

    Joined, it is exactly `json.dumps(plan_dict(...), ensure_ascii=False, separators=(",", ":"))` plus a
    newline (a test holds it to that); applicants are written from string pieces because a per-object
    `json.dumps` call costs more than the rest of the round. With `workers` > 1 and a large round, blocks
    are rendered by forked processes (the round is inherited, not copied) and written in input order.
    """
    head = _dumps(_head(result))
    yield head[:-1] + ',"applicants":['
    blocks = list(_blocks(len(result.facts.applicants)))
    if workers > 1 and len(blocks) > 1 and "fork" in multiprocessing.get_all_start_methods():
        rendered = _render_in_parallel(result, lang, blocks, workers)
    else:
        rendered = (_applicants_json(result, lang, rows) for rows in blocks)
    first = True
    for text in rendered:
        yield text[1:] if first and text else text
        first = first and not text
    yield "]}\n"


def _render_in_parallel(result: RoundResult, lang: str, blocks: list[range], workers: int) -> Iterator[str]:
    global _shared
    _shared = (result, lang)
    try:
        with multiprocessing.get_context("fork").Pool(min(workers, len(blocks))) as pool:
            yield from pool.imap(_worker_block, blocks)
    finally:
        _shared = None
