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
        "action", choices=["verify"], help="verify: report the first altered, inserted or deleted row"
    )

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
        return runner.manage(["audit_verify"])
    return 2  # pragma: no cover - argparse rejects unknown commands


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
