"""The CSV exports of the overviews (publishing, metadata quality), made the
same way: UTF-8 with a byte order mark (Excel then reads å, ä and ö), `;`
between cells on Swedish pages and `,` on English ones (what a spreadsheet
of that language expects), no cell a spreadsheet would run as a formula,
and times in the portal's display timezone, named in the header."""
from __future__ import annotations

import csv
import datetime
import io
from typing import Any, Iterable, Sequence

from flask import Response
from ckan.plugins import toolkit

from ckanext.gbgopendata import languages

# A cell starting with one of these is a formula to Excel and LibreOffice
# (=HYPERLINK(…), =cmd|…): titles and names come from publishers.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def cell(value: Any) -> str:
    """A CSV cell that a spreadsheet shows as text, never runs."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def local_time(moment: datetime.datetime | None) -> str:
    """A stored time (CKAN stores UTC, naive) in the portal's display
    timezone (`ckan.display_timezone`), as the pages show it; the offset of
    that very moment, so summer and winter times are both right."""
    if moment is None:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.timezone.utc)
    return moment.astimezone(toolkit.h.get_display_timezone()).strftime("%Y-%m-%d %H:%M")


def time_zone_name() -> str:
    """The display timezone in words for a header: "svensk tid" / "Swedish
    time" for Europe/Stockholm, otherwise the zone's own name (UTC,
    Europe/Zurich), so the header never claims a zone the times are not in."""
    zone = toolkit.h.get_display_timezone()
    name = getattr(zone, "zone", None) or getattr(zone, "key", None) or str(zone)
    if name == "Europe/Stockholm":
        return toolkit._("Swedish time")
    return name


def with_time_zone(header: str) -> str:
    """A column header of times, with the zone they are in: "Senast ändrad
    (svensk tid)"."""
    return toolkit._("{column} ({time_zone})").format(column=header, time_zone=time_zone_name())


def csv_response(header: Sequence[str], rows: Iterable[Iterable[Any]], filename: str) -> Response:
    """The CSV file to download: the header, then each row's cells made safe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";" if languages.request_language() == "sv" else ",")
    writer.writerow(header)
    for row in rows:
        writer.writerow(map(cell, row))
    return Response(
        ("\ufeff" + buffer.getvalue()).encode("utf-8"),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Content-Type": "text/csv; charset=utf-8"},
    )
