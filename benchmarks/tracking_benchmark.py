"""Benchmark of the tracking-number import (issue 9; prints its figures, not a timed test).

For a 1,000,000-row list as XLSX and as CSV it measures, each in a fresh process:
* the plain read of the file by the fastest reader (fastexcel for XLSX, the csv module for CSV), and by
  the import's own streaming reader;
* the whole import — read, check, store (COPY), find duplicates in the file, across the round and
  across earlier rounds — against PostgreSQL already holding 10,000,000 tracking numbers (60 current
  lists of three rounds, seeded with COPY into a database created for the run and dropped after);
rows per second and peak memory (ru_maxrss of the process). Targets: the whole import at no less than a
third of the plain read's speed, under 500 MB.

Run: .venv/bin/python benchmarks/tracking_benchmark.py [--rows 1000000] [--seed 10000000]
     [--admin-url postgres://postgres@127.0.0.1:5432/postgres] [--db NAME] [--keep] [--reuse]
     [--only xlsx|csv]

``--reuse`` keeps the seeded database between runs (seeding 10,000,000 numbers takes minutes): the first
run seeds and keeps it, later runs only migrate it and import again (each import's rows are removed
after it is measured, so every run starts from the same seeded state). Drop it with ``--drop``.
"""

from __future__ import annotations

import argparse
import csv
import gc
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

DB_NAME = "alarfund_tracking_bench"
HEADER = ["快递单号", "快递公司", "发货日期", "收件城市"]
COURIERS = ["顺丰", "中通", "圆通", "极兔", "韵达", "申通"]
CITIES = ["乌鲁木齐", "上海", "北京", "广州", "成都", "杭州", "阿拉尔"]
EXCEL_2025 = 45658  # 2025-01-01 as an Excel date serial


def number(i: int, *, space: int = 0) -> str:
    """A unique tracking number of a carrier's common form (``space`` keeps seeded numbers apart)."""
    n = space * 100_000_000 + i
    kind = i % 6
    if kind == 0:
        return f"SF{1_400_000_000_000 + n}"
    if kind == 1:
        return f"7{50_000_000_000_000 + n:014d}"[:15]
    if kind == 2:
        return f"YT{7_000_000_000_000 + n}"
    if kind == 3:
        return f"JT{3_000_000_000_000 + n}"
    if kind == 4:
        return f"4{300_000_000_000 + n:012d}"
    return f"77{30_000_000_000 + n:011d}"


def file_rows(rows: int) -> list[tuple[str, int, int, int]]:
    """(number, courier index, date serial, city index): 0.1% repeats within the file, 0.5% shipped in
    the previous year; numbers ≡ 0 (mod 100) are also in the seeded lists (cross-list duplicates)."""
    out = []
    for i in range(rows):
        source = i - 500 if i % 1000 == 999 else i
        serial = EXCEL_2025 + (i % 365) if i % 200 else EXCEL_2025 - 10
        out.append((number(source), source % 6, serial, i % len(CITIES)))
    return out


# --- the files -------------------------------------------------------------------------------------
_PARTS = {
    "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    "_rels/.rels": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    "xl/workbook.xml": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="快递单号明细" sheetId="1" r:id="rId1"/></sheets></workbook>',
    "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
    "xl/styles.xml": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts><fills count="1"><fill><patternFill patternType="none"/></fill></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs></styleSheet>',
}


def write_xlsx(path: Path, rows: list[tuple[str, int, int, int]]) -> None:
    """As Excel writes it: text in shared strings (in order of first use), dates as styled serials."""
    strings: dict[str, int] = {}

    def index(text: str) -> int:
        return strings.setdefault(text, len(strings))

    for text in HEADER:
        index(text)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for name, text in _PARTS.items():
            archive.writestr(name, text)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(
                b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet '
                b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                + f'<dimension ref="A1:D{len(rows) + 1}"/><sheetData>'.encode()
            )
            head = "".join(
                f'<c r="{c}1" t="s"><v>{index(h)}</v></c>' for c, h in zip("ABCD", HEADER, strict=True)
            )
            buffer = [f'<row r="1">{head}</row>']
            for r, (num, courier, serial, city) in enumerate(rows, start=2):
                buffer.append(
                    f'<row r="{r}"><c r="A{r}" t="s"><v>{index(num)}</v></c><c r="B{r}" t="s"><v>'
                    f'{index(COURIERS[courier])}</v></c><c r="C{r}" s="1"><v>{serial}</v></c>'
                    f'<c r="D{r}" t="s"><v>{index(CITIES[city])}</v></c></row>'
                )
                if len(buffer) >= 20_000:
                    sheet.write("".join(buffer).encode())
                    buffer = []
            sheet.write(("".join(buffer) + "</sheetData></worksheet>").encode())
        ordered = sorted(strings, key=strings.__getitem__)
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as shared:
            shared.write(
                b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="http://schemas.'
                + f'openxmlformats.org/spreadsheetml/2006/main" count="{len(ordered)}" uniqueCount="{len(ordered)}">'.encode()
            )
            for start in range(0, len(ordered), 20_000):
                shared.write(
                    "".join(f"<si><t>{escape(s)}</t></si>" for s in ordered[start : start + 20_000]).encode()
                )
            shared.write(b"</sst>")


def write_csv(path: Path, rows: list[tuple[str, int, int, int]]) -> None:
    import datetime as dt

    epoch = dt.date(1899, 12, 30)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for num, courier, serial, city in rows:
            writer.writerow(
                [num, COURIERS[courier], (epoch + dt.timedelta(days=serial)).isoformat(), CITIES[city]]
            )


# --- child processes (each measured alone) -------------------------------------------------------------
def child(argv: list[str]) -> None:
    what, path = argv[0], argv[1]
    result: dict[str, Any] = {}
    # The import reads with the cyclic garbage collector off (importer._load); the plain reads too, so
    # that they are compared on equal terms (it makes the csv module's plain read faster as well).
    gc.disable()
    start = time.perf_counter()
    if what == "fastexcel":
        import fastexcel

        sheet = fastexcel.read_excel(path).load_sheet(0, header_row=0, dtypes="string")
        result["rows"] = sheet.height
    elif what == "csv":
        with open(path, encoding="utf-8", newline="") as handle:
            result["rows"] = sum(1 for _ in csv.reader(handle)) - 1
    elif what in {"stream-xlsx", "stream-csv"}:
        from alarfund.tracking.csv_source import CsvSource
        from alarfund.tracking.xlsx_source import XlsxSource

        stream = open(path, "rb")  # closed with the source
        size = os.path.getsize(path)
        source: Any = (
            XlsxSource(stream, size=size, max_entries=2000, max_uncompressed=300 << 20, max_ratio=200)
            if what == "stream-xlsx"
            else CsvSource(stream, content_type="text/csv; charset=utf-8")
        )
        result["rows"] = sum(len(batch) for sheet in source.sheets() for batch in sheet.batches)
    elif what == "import":
        result = import_child(path, argv[2])
    result["seconds"] = time.perf_counter() - start if "seconds" not in result else result["seconds"]
    result["peak_mb"] = peak_mb()
    print(json.dumps(result))


def peak_mb() -> float:
    """This process's peak resident memory: VmHWM (ru_maxrss would also count the parent's memory at
    fork time, which Linux carries over an exec)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alarfund.config.settings.dev")
    import django

    django.setup()


def setup_child() -> dict[str, Any]:
    """Rounds 2023–2025, 20 organisations with an application in each, and the two applications the
    benchmark imports into (round 2025)."""
    _django()
    import datetime as dt
    from decimal import Decimal

    from alarfund.accounts.choices import Jurisdiction, OrganisationType, Role
    from alarfund.accounts.models import Organisation, User
    from alarfund.accounts.uscc import make_uscc
    from alarfund.applications.models import Application, Figures, FigureSource
    from alarfund.rounds.models import Round, RoundStatus

    officer = User.objects.create(username="bench-officer", role=Role.BUREAU_OFFICER, full_name="bench")
    rounds = {
        year: Round.objects.create(
            sales_year=year,
            window_start=dt.date(year + 1, 1, 1),
            window_end=dt.date(year + 1, 12, 31),
            budget_total=Decimal("10000000"),
            budget_7=Decimal("1"),
            budget_8=Decimal("1"),
            budget_10=Decimal("1"),
            status=RoundStatus.PUBLISHED,
            created_by=officer,
        )
        for year in (2023, 2024, 2025)
    }
    applications: dict[str, list[str]] = {str(year): [] for year in rounds}
    bench: list[str] = []
    for n in range(22):
        organisation = Organisation.objects.create(
            uscc=make_uscc(authority_and_type="91", region="659002", org_body=f"MB{n:06d}"),
            name=f"基准测试公司{n}",
            org_type=OrganisationType.ENTERPRISE,
            jurisdiction=Jurisdiction.ALAR_CITY,
            legal_representative="王",
            contact_name="李",
            contact_phone="13999700000",
            bank_name="银行",
            bank_account="6228480123456789012",
        )
        user = User.objects.create(username=f"bench-{n}", role=Role.APPLICANT, organisation=organisation)
        for year, round_ in rounds.items():
            if n >= 20 and year != 2025:
                continue
            application = Application.objects.create(
                round=round_,
                organisation=organisation,
                entity_type="enterprise",
                created_by=user,
                claimed_lines=["10"],
            )
            Figures.objects.create(application=application, source=FigureSource.DECLARED, parcels=100_000)
            (bench if n >= 20 else applications[str(year)]).append(str(application.pk))
    return {"applications": applications, "bench": bench}


def jobs_child(spec: str) -> dict[str, Any]:
    """Succeeded, current jobs for the seeded applications (their rows are COPYed by the parent)."""
    _django()
    from alarfund.applications.models import Application
    from alarfund.tracking.models import ImportJob, ImportStatus

    jobs = []
    for application in Application.objects.filter(pk__in=json.loads(spec)).select_related("round"):
        version = _version(application, "seed.csv", b"\xe5\xbf\xab\xe9\x80\x92\xe5\x8d\x95\xe5\x8f\xb7\n")
        job = ImportJob.objects.create(
            application=application,
            round=application.round,
            sales_year=application.round.sales_year,
            organisation_id=application.organisation_id,
            document_version=version,
            status=ImportStatus.SUCCEEDED,
            is_current=True,
            stats={},
            valid_unique=0,
        )
        jobs.append(str(job.pk))
    return {"jobs": jobs}


def _version(application: Any, name: str, data: bytes | Path) -> Any:
    import hashlib

    from django.core.files import File
    from django.core.files.base import ContentFile

    from alarfund.evidence.models import Document, DocumentFile, DocumentVersion
    from alarfund.evidence.services import documents_storage

    document, _ = Document.objects.get_or_create(
        organisation_id=application.organisation_id,
        subject_type="application",
        subject_id=application.pk,
        material_code="tracking_numbers",
    )
    version = DocumentVersion.objects.create(document=document, number=document.versions.count() + 1)
    if isinstance(data, Path):
        with data.open("rb") as handle:
            stored = documents_storage().save(f"bench/{version.pk.hex}", File(handle))
        size, digest = data.stat().st_size, "0" * 64
    else:
        stored = documents_storage().save(f"bench/{version.pk.hex}", ContentFile(data))
        size, digest = len(data), hashlib.sha256(data).hexdigest()
    kind = "xlsx" if name.endswith("xlsx") else "csv"
    DocumentFile.objects.create(
        version=version,
        position=1,
        stored_name=stored,
        original_name=name,
        kind=kind,
        content_type="text/csv; charset=utf-8" if kind == "csv" else "application/octet-stream",
        size=size,
        sha256=digest,
    )
    return version


def import_child(path: str, application_id: str) -> dict[str, Any]:
    _django()
    from alarfund.applications.models import Application
    from alarfund.tracking.importer import run_import
    from alarfund.tracking.models import ImportJob

    application = Application.objects.select_related("round").get(pk=application_id)
    version = _version(application, Path(path).name, Path(path))
    job = ImportJob.objects.create(
        application=application,
        round=application.round,
        sales_year=application.round.sales_year,
        organisation_id=application.organisation_id,
        document_version=version,
    )
    from django.core.management import call_command

    before = peak_mb()
    start = time.perf_counter()
    done = run_import(job.pk)
    seconds = time.perf_counter() - start
    start = time.perf_counter()
    call_command("db_worker", batch=True, interval=0, startup_delay=False, verbosity=0)
    follow_up = time.perf_counter() - start
    return {
        "seconds": seconds,
        "follow_up_seconds": follow_up,
        "status": done.status,
        "error": done.error_code,
        "stats": done.stats,
        "job": str(done.pk),
        "rss_before_mb": before,
    }


# --- the parent -------------------------------------------------------------------------------------
def run_child(args: list[str], env: dict[str, str]) -> dict[str, Any]:
    completed = subprocess.run(
        [sys.executable, __file__, "--child", *args], env=env, capture_output=True, text=True, check=False
    )
    if completed.returncode != 0:
        raise SystemExit(f"child {args[0]} failed:\n{completed.stderr[-3000:]}")
    result = dict(json.loads(completed.stdout.strip().splitlines()[-1]))
    result["phases"] = [
        line.split("; ", 1)[-1] for line in completed.stderr.splitlines() if "tracking import" in line
    ]
    return result


def seed(url: str, jobs: list[str], total: int, file_numbers: list[str]) -> float:
    """COPY ``total`` rows spread over the seeded jobs (indexes dropped first and rebuilt after); 1% of
    the benchmark file's numbers are among them, spread over all three rounds."""
    import psycopg

    start = time.perf_counter()
    overlap = file_numbers[::100]
    per_job = total // len(jobs)
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("ALTER TABLE tracking_trackingnumber DROP CONSTRAINT tracking_trackingnumber_pkey")
        connection.execute("DROP INDEX tracking_number_idx")
        with (
            connection.cursor() as cursor,
            cursor.copy(
                "COPY tracking_trackingnumber (job_id, sheet, row_no, number, carrier, courier, ship_date, flags, raw) "
                "FROM STDIN"
            ) as copy,
        ):
            for j, job in enumerate(jobs):
                lines = []
                for r in range(per_job):
                    k = j * per_job + r
                    slot, spread = divmod(k, max(1, total // len(overlap)))
                    num = overlap[slot] if spread == 0 and slot < len(overlap) else number(k, space=j + 1)
                    lines.append(f"{job}\t0\t{r + 2}\t{num}\t\t\t\\N\t0\t\n")
                    if len(lines) >= 50_000:
                        copy.write("".join(lines))
                        lines = []
                copy.write("".join(lines))
        connection.execute("ALTER TABLE tracking_trackingnumber ADD PRIMARY KEY (job_id, sheet, row_no)")
        connection.execute("CREATE INDEX tracking_number_idx ON tracking_trackingnumber (number)")
        connection.execute("VACUUM ANALYZE tracking_trackingnumber")
        connection.execute("VACUUM ANALYZE tracking_importjob")
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=10_000_000)
    parser.add_argument("--admin-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--db", default=DB_NAME, help="name of the benchmark database")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    parser.add_argument("--reuse", action="store_true", help="reuse (or seed and keep) the database")
    parser.add_argument("--drop", action="store_true", help="drop the benchmark database and stop")
    parser.add_argument("--files", help="folder to keep the generated files in (reused when present)")
    parser.add_argument(
        "--floors", action="store_true", help="also time the database's parts alone (no Python work)"
    )
    parser.add_argument("--only", choices=["xlsx", "csv"], help="measure one file kind only")
    parser.add_argument("--child", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    if args.child:
        if args.child[0] == "setup":
            print(json.dumps(setup_child()))
        elif args.child[0] == "jobs":
            print(json.dumps(jobs_child(args.child[1])))
        else:
            child(args.child)
        return

    import psycopg

    base = args.admin_url.rsplit("/", 1)[0]
    db_name = args.db
    if not db_name.replace("_", "").isalnum():
        raise SystemExit("--db: letters, digits and underscores only")
    url = f"{base}/{db_name}"
    if args.drop:
        with psycopg.connect(args.admin_url, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {db_name}")
        return
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}; load {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory(prefix="tracking-bench-") as folder:
        work = Path(folder)
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "ALARFUND_DATA_DIR": str(work / "data"),
            "DJANGO_SETTINGS_MODULE": "alarfund.config.settings.dev",
            "ALARFUND_LOG_LEVEL": "INFO",
        }
        started = time.perf_counter()
        rows = file_rows(args.rows)
        files = Path(args.files) if args.files else work
        files.mkdir(parents=True, exist_ok=True)
        xlsx, csv_path = files / f"list-{args.rows}.xlsx", files / f"list-{args.rows}.csv"
        if not (args.files and xlsx.exists() and csv_path.exists()):
            write_xlsx(xlsx, rows)
            write_csv(csv_path, rows)
        print(
            f"files: {args.rows:,} rows; XLSX {xlsx.stat().st_size / 1e6:.1f} MB, CSV {csv_path.stat().st_size / 1e6:.1f} MB "
            f"({time.perf_counter() - started:.1f} s to write)"
        )
        file_numbers = sorted({r[0] for r in rows})
        del rows
        made = _seeded(args.admin_url, db_name) if args.reuse else None
        try:
            if made is None:
                with psycopg.connect(args.admin_url, autocommit=True) as admin:
                    admin.execute(f"DROP DATABASE IF EXISTS {db_name}")
                    admin.execute(f"CREATE DATABASE {db_name}")
            subprocess.run(
                [sys.executable, "-m", "alarfund.cli", "manage", "migrate", "-v", "0"], env=env, check=True
            )
            if made is None:
                made = json.loads(
                    subprocess.run(
                        [sys.executable, __file__, "--child", "setup"],
                        env=env,
                        capture_output=True,
                        text=True,
                        check=True,
                    ).stdout.splitlines()[-1]
                )
                seeded_apps = [a for year in ("2023", "2024", "2025") for a in made["applications"][year]]
                jobs = json.loads(
                    subprocess.run(
                        [sys.executable, __file__, "--child", "jobs", json.dumps(seeded_apps)],
                        env=env,
                        capture_output=True,
                        text=True,
                        check=True,
                    ).stdout.splitlines()[-1]
                )["jobs"]
                seconds = seed(url, jobs, args.seed, file_numbers)
                print(
                    f"seeded {args.seed:,} numbers in {len(jobs)} current lists (3 rounds) with COPY in {seconds:.1f} s"
                )
                with psycopg.connect(url, autocommit=True) as connection:
                    connection.execute("CREATE TABLE bench_meta (made text)")
                    connection.execute("INSERT INTO bench_meta VALUES (%s)", [json.dumps(made)])
            else:
                print(f"reusing the seeded database {db_name}")
            del file_numbers
            kinds = [args.only] if args.only else ["xlsx", "csv"]
            report(env, url, xlsx, csv_path, made["bench"], args.rows, kinds)
            if args.floors:
                floors(url, csv_path)
        finally:
            if not (args.keep or args.reuse):
                with psycopg.connect(args.admin_url, autocommit=True) as admin:
                    admin.execute(f"DROP DATABASE IF EXISTS {db_name}")


def floors(url: str, csv_path: Path, repeats: int = 3) -> None:
    """The database's share of an import on its own, with the rows already formatted (no parsing, no
    checks): the lower bound of the whole import whatever Python does. Each step is rolled back and the
    table vacuumed before the next try; the best of ``repeats`` is printed."""
    import psycopg

    with csv_path.open(encoding="utf-8", newline="") as handle:
        rows = csv.reader(handle)
        next(rows)
        data = "".join(
            f"0\t{r}\t{num}\tSF\tSF\t{day}\t0\t\n" for r, (num, _c, day, _city) in enumerate(rows, start=2)
        ).encode()
    import uuid

    # A job id as the import makes them (time-ordered, ImportJob.id): its rows go to the edge of the index.
    job = str(uuid.UUID(int=(time.time_ns() // 1_000_000) << 80 | 0x7 << 76 | 0b10 << 62 | 9))
    prefix = f"{job}\t".encode()
    direct = b"".join(prefix + line for line in data.splitlines(keepends=True))
    stage = (
        'CREATE TEMPORARY TABLE stage (sheet smallint, row_no integer, number varchar(40) COLLATE "C", '
        "carrier varchar(8), courier varchar(24), ship_date date, flags smallint, raw varchar(64))"
    )
    columns = "sheet, row_no, number, carrier, courier, ship_date, flags, raw"
    steps: dict[str, list[float]] = {
        "COPY into an unindexed temporary table": [],
        "probe of the distinct numbers (sorted, one index probe each)": [],
        "INSERT … SELECT of the staged rows into the indexed table": [],
        "COPY straight into the indexed table (for comparison)": [],
    }
    names = list(steps)
    for _ in range(repeats):
        for kind in ("staged", "direct"):
            with psycopg.connect(url) as connection:
                connection.execute("SET temp_buffers = '128MB'")
                connection.execute("SET LOCAL synchronous_commit = off")
                connection.execute("SET LOCAL jit = off")
                connection.execute(stage)
                start = time.perf_counter()
                target = "stage" if kind == "staged" else f"tracking_trackingnumber (job_id, {columns})"
                payload = data if kind == "staged" else direct
                with connection.cursor().copy(f"COPY {target} FROM STDIN") as copy:
                    for offset in range(0, len(payload), 1 << 20):
                        copy.write(payload[offset : offset + (1 << 20)])
                steps[names[0 if kind == "staged" else 3]].append(time.perf_counter() - start)
                if kind == "staged":
                    connection.execute("ANALYZE stage")
                    start = time.perf_counter()
                    connection.execute(
                        "SELECT count(*) FROM (SELECT DISTINCT number FROM stage ORDER BY number) s "
                        "CROSS JOIN LATERAL (SELECT max(o.flags) AS f FROM tracking_trackingnumber o "
                        "WHERE o.number = s.number) h WHERE h.f IS NOT NULL"
                    ).fetchone()
                    steps[names[1]].append(time.perf_counter() - start)
                    start = time.perf_counter()
                    connection.execute(
                        f"INSERT INTO tracking_trackingnumber (job_id, {columns}) SELECT %s, {columns} FROM stage",  # noqa: S608 - constants
                        [job],
                    )
                    steps[names[2]].append(time.perf_counter() - start)
                connection.rollback()
            with psycopg.connect(url, autocommit=True) as connection:
                connection.execute("VACUUM tracking_trackingnumber")
    print(
        f"\nthe database's part alone (1,000,000 rows already formatted; best of {repeats}; load {os.getloadavg()[0]:.2f}):"
    )
    for name, seconds in steps.items():
        print(f"  {name:62} {min(seconds):6.2f} s  (all: {', '.join(f'{x:.2f}' for x in seconds)})")


def _seeded(admin_url: str, db_name: str) -> dict[str, Any] | None:
    """The setup of an already seeded benchmark database, or None."""
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db_name]).fetchone():
            return None
    url = f"{admin_url.rsplit('/', 1)[0]}/{db_name}"
    with psycopg.connect(url, autocommit=True) as connection:
        found = connection.execute("SELECT to_regclass('bench_meta')").fetchone()
        if not found or not found[0]:
            return None
        row = connection.execute("SELECT made FROM bench_meta").fetchone()
    return dict(json.loads(row[0])) if row else None


def report(
    env: dict[str, str], url: str, xlsx: Path, csv_path: Path, bench: list[str], rows: int, kinds: list[str]
) -> None:
    import psycopg

    print(f"\n{'file':5} {'measure':44} {'seconds':>8} {'rows/s':>10} {'peak MB':>8}")
    for kind, path, fastest, application in (
        ("XLSX", xlsx, "fastexcel", bench[0]),
        ("CSV", csv_path, "csv", bench[1]),
    ):
        if kind.lower() not in kinds:
            continue
        plain = run_child([fastest, str(path)], env)
        stream = run_child([f"stream-{kind.lower()}", str(path)], env)
        whole = run_child(["import", str(path), application], env)
        if whole.get("status") != "succeeded":
            raise SystemExit(f"import failed: {whole}")
        for label, result in (
            (f"plain read ({'fastexcel, all columns' if fastest == 'fastexcel' else 'csv module'})", plain),
            ("plain read (the import's streaming reader)", stream),
            ("whole import (read, check, COPY, duplicates)", whole),
        ):
            speed = rows / result["seconds"]
            print(f"{kind:5} {label:44} {result['seconds']:8.2f} {speed:10,.0f} {result['peak_mb']:8.0f}")
        ratio = plain["seconds"] / whole["seconds"]
        stats = whole["stats"]
        print(
            f"{kind:5} → whole import at {ratio:.3f}× the plain read's speed (target ≥ 0.33), peak "
            f"{whole['peak_mb']:.0f} MB (target < 500; {whole['rss_before_mb']:.0f} MB before the import); "
            f"valid unique {stats['valid_unique']:,}, in-file repeats {stats['duplicate_in_file']:,}, "
            f"same round {stats['duplicate_in_round']:,}, earlier rounds {stats['duplicate_earlier_round']:,}"
        )
        for phases in whole["phases"]:
            print(f"{kind:5}   phases: {phases}")
        print(
            f"{kind:5}   then, as a separate task: remove the replaced rows and recount the other lists "
            f"sharing numbers: {whole['follow_up_seconds']:.2f} s"
        )
        with psycopg.connect(url, autocommit=True) as connection:  # the next file starts from the same state
            connection.execute("DELETE FROM tracking_trackingnumber WHERE job_id = %s", [whole["job"]])
            connection.execute(
                "UPDATE tracking_importjob SET is_current = false, status = 'superseded' WHERE id = %s",
                [whole["job"]],
            )
            connection.execute("VACUUM ANALYZE tracking_trackingnumber")


if __name__ == "__main__":
    main()
