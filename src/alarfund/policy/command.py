"""`alarfund compute ROUND.json [--output plan.xlsx]`: the engine's machine-readable edge.

Exit 0 with the plan as JSON on standard output; exit 2 with one line on standard error for bad input
(which applicant, which field, what is wrong). Never a traceback.
"""

from __future__ import annotations

import gc
import os
import sys
from pathlib import Path

from alarfund.policy.engine import compute_round
from alarfund.policy.report import plan_json_chunks
from alarfund.policy.roundfile import RoundFileError, load_json, parse_round

_BATCH = 1 << 20  # write standard output in ~1 MB pieces
PARALLEL_FROM = 200_000  # applicants


def run_compute(round_file: str, *, output: str | None = None, lang: str = "zh-hans") -> int:
    # The command builds millions of small acyclic objects; cycle collection would only slow it down.
    gc.disable()
    try:
        if output is not None and not output.lower().endswith(".xlsx"):
            raise RoundFileError(
                f"--output must name an .xlsx file (got {output!r})",
                f"--output 必须是 .xlsx 文件（{output!r}）",
            )
        raw = _read(round_file)
        facts, params = parse_round(load_json(raw))
        del raw
        result = compute_round(facts, params)
        if output is not None:
            from alarfund.policy.spreadsheet import write_plan_xlsx

            try:
                write_plan_xlsx(result, Path(output), lang=lang)
            except OSError as exc:
                raise RoundFileError(
                    f"cannot write {output}: {exc.strerror or exc}",
                    f"无法写入 {output}：{exc.strerror or exc}",
                ) from None
        _write_stdout(plan_json_chunks(result, lang, workers=_workers(len(facts.applicants))))
    except RoundFileError as exc:
        print(exc.one_line(), file=sys.stderr)
        return 2
    except MemoryError:
        print("错误：内存不足 | error: out of memory", file=sys.stderr)
        return 1
    except Exception as exc:  # never a traceback on the command line; the message still says what broke
        if os.environ.get("ALARFUND_DEBUG"):
            raise
        print(f"内部错误 | internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    return 0


def _workers(applicants: int) -> int:
    """Large rounds render their explanations on every core; a real year needs no second process."""
    if applicants < PARALLEL_FROM:
        return 1
    return max(1, min(len(os.sched_getaffinity(0)), 8))


def _read(round_file: str) -> bytes:
    try:
        if round_file == "-":
            return sys.stdin.buffer.read()
        return Path(round_file).read_bytes()
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise RoundFileError(
            f"cannot read {round_file}: {reason}", f"无法读取 {round_file}：{reason}"
        ) from None


def _write_stdout(chunks: object) -> None:
    out = sys.stdout.buffer
    pending: list[str] = []
    size = 0
    for chunk in chunks:  # type: ignore[attr-defined]
        pending.append(chunk)
        size += len(chunk)
        if size >= _BATCH:
            out.write("".join(pending).encode("utf-8"))
            pending, size = [], 0
    out.write("".join(pending).encode("utf-8"))
    out.flush()
