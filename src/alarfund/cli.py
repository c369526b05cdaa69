"""The `alarfund` console command.

`compute` must start fast (a real year in well under a second), so it imports only the pure policy
core; the web commands import Django lazily.
"""

from __future__ import annotations

import argparse
import sys


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="alarfund",
        description="阿拉尔市电子商务和物流协同发展奖励和支持资金平台 / Alar e-commerce fund platform",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="apply migrations and serve the platform with a worker")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--no-worker", action="store_true", help="do not start the background worker")

    sub.add_parser("demo", help="seed the demo data (idempotent) and print the demo logins")
    sub.add_parser("worker", help="run the background task worker")

    compute = sub.add_parser("compute", help="compute a round file's plan (JSON on standard output)")
    compute.add_argument("round_file", help="the round file (JSON); '-' reads standard input")
    compute.add_argument("--output", help="also write the plan as a spreadsheet (.xlsx)")
    compute.add_argument(
        "--lang", choices=["zh-hans", "en"], default="zh-hans", help="language of the explanations"
    )

    audit = sub.add_parser("audit", help="the audit trail")
    audit.add_argument(
        "action",
        choices=["verify", "archive", "verify-archive"],
        help="verify: report the first altered, inserted or deleted row; archive: copy new events to the "
        "separate store; verify-archive: compare the store with the database",
    )

    retention = sub.add_parser("retention", help="archive the audit trail, delete expired personal data")
    retention.add_argument("--dry-run", action="store_true", help="report only, change nothing")
    retention.add_argument("--now", help="run as of this ISO 8601 moment")

    reconcile = sub.add_parser("reconcile", help="reconcile approved plans with payments (exit 1 if off)")
    reconcile.add_argument("--round", default="", help="sales year or round id (default: every round)")

    manage = sub.add_parser("manage", help="Django management commands", add_help=False)
    manage.add_argument("args", nargs=argparse.REMAINDER)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "manage":
        from alarfund import runner

        return runner.manage(argv[1:])
    args = _parser().parse_args(argv)
    if args.command == "compute":
        from alarfund.policy.command import run_compute

        return run_compute(args.round_file, output=args.output, lang=args.lang)
    from alarfund import runner

    if args.command == "serve":
        return runner.serve(host=args.host, port=args.port, worker=not args.no_worker)
    if args.command == "demo":
        return runner.demo()
    if args.command == "worker":
        return runner.worker()
    if args.command == "audit":
        if args.action == "archive":
            return runner.manage(["audit_archive"])
        if args.action == "verify-archive":
            return runner.manage(["audit_archive", "--verify"])
        return runner.manage(["audit_verify"])
    if args.command == "retention":
        extra = ["--dry-run"] if args.dry_run else []
        return runner.manage(["retention", *extra, *(["--now", args.now] if args.now else [])])
    if args.command == "reconcile":
        return runner.manage(["reconcile", *(["--round", args.round] if args.round else [])])
    return 2  # pragma: no cover - argparse rejects unknown commands


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
