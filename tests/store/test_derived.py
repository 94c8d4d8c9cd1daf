"""Columns derived when a row is written: `host` from the URL, `published` as a date."""

from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ingest.store.derived import host_of, published_date


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("https://www.Example.COM/a/b?c=1", "example.com"),
        ("http://WWW.BBC.co.uk:8080/news", "bbc.co.uk"),
        ("https://user:secret@www.example.org/", "example.org"),
        ("https://news.example.org./x", "news.example.org"),
        ("https://wwwexample.com/", "wwwexample.com"),  # `www` only as a whole leading label
        ("https://news.www.example.com/", "news.www.example.com"),
        ("https://www.xn--bcher-kva.de/", "bücher.de"),  # punycode back to Unicode
        ("https://BÜCHER.de/", "bücher.de"),
        ("https://www/", "www"),
        ("http://[2001:db8::1]:80/", "2001:db8::1"),
        ("example.com/no-scheme", None),
        ("/relative/path", None),
        ("mailto:someone@example.com", None),
        ("http://[broken/", None),
        ("", None),
        (None, None),
    ],
)
def test_host(url: str | None, host: str | None) -> None:
    assert host_of(url) == host


@pytest.mark.parametrize(
    ("value", "day"),
    [
        ("2025-03-03", date(2025, 3, 3)),
        ("2025-03-03T10:00:00+02:00", date(2025, 3, 3)),
        ("March 3, 2025 9:14 am", date(2025, 3, 3)),
        ("Published: March 3, 2025", date(2025, 3, 3)),
        ("Updated on 3 March 2025", date(2025, 3, 3)),
        ("Monday, 3 March 2025 at 09:14", date(2025, 3, 3)),
        ("March 3, 2025 9:14 am ET", date(2025, 3, 3)),  # a zone name dateutil does not know
        ("Posted 3:15 PM EST, March 3, 2025", date(2025, 3, 3)),
        ("13/04/2025", date(2025, 4, 13)),  # only one reading
        ("Posted on June 29, 2020 November 12, 2021", date(2020, 6, 29)),  # the first date of the line
        ("Nov 08, 2025 7 min read", date(2025, 11, 8)),
        ("October 11, 2023 by Autumn Writer", date(2023, 10, 11)),
        ("EcoFlow - 2025/4/29", date(2025, 4, 29)),
        ("Last Updated on 8th of April 2024 by A. Writer", date(2024, 4, 8)),
        ("Updated on 09/10/2025", None),
        ("Founded in 2015", None),
        ("14.11.24", None),  # a two-digit year
        ("03/04/2025", None),  # 3 April or March 4: refused, not guessed
        ("March 2025", None),  # no day
        ("2025", None),
        ("yesterday", None),  # no year: never relative to today
        ("2025-02-30", None),
        ("", None),
        (None, None),
        (date(2020, 1, 2), date(2020, 1, 2)),
    ],
)
@pytest.mark.filterwarnings("error")  # unknown zone names must not warn (dateutil plans to raise)
def test_published(value: str | None, day: date | None) -> None:
    assert published_date(value) == day


@given(st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2099, 12, 31)))
def test_published_reads_back_iso_and_long_forms(moment: datetime) -> None:
    day = moment.date()
    assert published_date(day.isoformat()) == day
    assert published_date(moment.strftime("%B %d, %Y %I:%M %p")) == day


@pytest.mark.filterwarnings("error")
@given(st.text(max_size=80))
def test_published_never_raises(value: str) -> None:
    result = published_date(value)
    assert result is None or isinstance(result, date)


@given(st.text(max_size=80))
def test_host_never_raises(value: str) -> None:
    result = host_of(value)
    assert result is None or (result == result.lower() and not result.startswith("www."))
