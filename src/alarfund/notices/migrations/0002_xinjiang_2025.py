"""The Xinjiang regional days off of 2025, from the autonomous region's notice (docs/notices.md).

肉孜节: 29–31 March 2025 (Saturday to Monday, 3 days); 古尔邦节: 6–10 June 2025 (Friday to Tuesday,
5 days); no swapped working day for either. 2025 is marked confirmed for Xinjiang. Later years are
entered by the administrator (2026 could not be verified when this migration was written).
"""

import datetime as dt

from django.db import migrations

SOURCE = (
    "新疆维吾尔自治区人民政府办公厅《关于2025年节假日放假和冬夏季作息时间安排的通知》"
    "（肉孜节3月29日至31日放假共3天；古尔邦节6月6日至10日放假共5天）"
)
DAYS = [
    *((dt.date(2025, 3, d), "肉孜节") for d in (29, 30, 31)),
    *((dt.date(2025, 6, d), "古尔邦节") for d in (6, 7, 8, 9, 10)),
]


def seed(apps, schema_editor):
    CalendarDay = apps.get_model("notices", "CalendarDay")
    CalendarYear = apps.get_model("notices", "CalendarYear")
    for day, name in DAYS:
        CalendarDay.objects.get_or_create(
            date=day, region="xinjiang", defaults={"kind": "holiday", "name": name, "source": SOURCE}
        )
    year, _created = CalendarYear.objects.get_or_create(year=2025)
    if not year.xinjiang_source:
        year.xinjiang_source = SOURCE
        year.save()


def unseed(apps, schema_editor):
    CalendarDay = apps.get_model("notices", "CalendarDay")
    CalendarYear = apps.get_model("notices", "CalendarYear")
    CalendarDay.objects.filter(date__in=[d for d, _n in DAYS], region="xinjiang", source=SOURCE).delete()
    CalendarYear.objects.filter(year=2025, xinjiang_source=SOURCE).update(xinjiang_source="")


class Migration(migrations.Migration):
    dependencies = [("notices", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
