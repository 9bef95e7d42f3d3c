"""The recorded-event replay pages: the default replay, htmx partials, uploads and the embed."""

import html as html_lib
import re
from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from margin.candles import BAD_PRICE, MISSING_COLUMNS
from margin.event_catalog import EVENTS, RECORDED_LABEL
from simulator.event_forms import UPLOAD_TOO_LARGE
from simulator.events import SESSION_KEY, setup_data
from simulator.models import SavedEvent

pytestmark = pytest.mark.django_db

PAGE = "/simulator/events/"
UPLOAD = "/simulator/events/upload/"


def text_of(response) -> str:
    body = re.sub(r"<svg.*?</svg>", " ", response.content.decode(), flags=re.S)
    return re.sub(r"\s+", " ", html_lib.unescape(re.sub(r"<[^>]+>", " ", body)))


def black_thursday(**overrides):
    rows = [{"symbol": "BTCUSDT", "side": "long", "notional": "10000", "leverage": "1.9"}]
    data = setup_data("black-thursday-2020", rows, wallet="5300", series="mark-1h")
    return data | overrides


def test_the_urls_keep_their_names():
    assert reverse("simulator:events") == PAGE
    assert reverse("simulator:events_upload") == UPLOAD
    assert reverse("simulator:events_embed", args=["black-thursday-2020"]) == (
        "/simulator/events/embed/black-thursday-2020/"
    )


def test_the_page_opens_on_a_replay_with_both_modes_and_the_data_label(client):
    response = client.get(PAGE)
    assert response.status_code == 200
    text = text_of(response)
    assert "Black Thursday" in text
    assert "Isolated:" in text
    assert "Cross:" in text
    assert RECORDED_LABEL in text
    assert "Mark price or last price?" in text
    assert "LedgerPrime research" in text  # the facts, with their sources
    assert "<svg" in response.content.decode()
    assert "font-size:13px" in response.content.decode()


def test_black_thursday_shows_the_last_price_liquidation_the_mark_avoids(client):
    response = client.get(f"{PAGE}?{urlencode(black_thursday())}")
    text = text_of(response)
    assert "3,801.83" in text
    assert "3,621.81" in text
    only_last = re.findall(r'class="ev-only-last">(.*?)</td>', response.content.decode())
    assert [html_lib.unescape(cell) for cell in only_last] == [
        "A at 3,621.81, 13 Mar 02:00 UTC",
        "A at 3,621.81, 13 Mar 02:00 UTC",
    ]


def test_htmx_gets_the_section_only_and_the_shareable_url(client):
    query = urlencode(black_thursday(series="last-1m"))
    response = client.get(f"{PAGE}?{query}", headers={"HX-Request": "true"})
    body = response.content.decode()
    assert body.lstrip().startswith('<section id="event-replay"')
    assert "<html" not in body
    assert response["HX-Push-Url"] == f"{PAGE}?{query}"
    assert "1m candles" in text_of(response)


@pytest.mark.parametrize("event", list(EVENTS))
def test_every_shipped_event_replays_on_the_page(client, event):
    rows = [{"symbol": "BTCUSDT", "side": "long", "notional": "10000", "leverage": "5"}]
    response = client.get(f"{PAGE}?{urlencode(setup_data(event, rows, wallet='5000'))}")
    assert response.status_code == 200
    assert EVENTS[event].title in text_of(response)
    assert "Equity at the end" in text_of(response)


def test_a_bad_leverage_gets_its_message_beside_the_field(client):
    response = client.get(f"{PAGE}?{urlencode(black_thursday() | {'ev-0-leverage': '500'})}")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="id_ev-0-leverage_error">Enter at most 125x.</div>' in body
    assert 'aria-describedby="id_ev-0-leverage_error"' in body


def test_a_symbol_the_event_lacks_is_explained(client):
    data = black_thursday() | {"ev-0-symbol": "XRPUSDT"}
    text = text_of(client.get(f"{PAGE}?{urlencode(data)}"))
    assert "This event has no recorded XRPUSDT prices for the chosen price series." in text


def test_tampered_rows_do_not_break_the_page(client):
    data = black_thursday() | {"ev-TOTAL_FORMS": "x"}
    assert client.get(f"{PAGE}?{urlencode(data)}").status_code == 200
    data = black_thursday() | {"ev-TOTAL_FORMS": "5000"}
    assert client.get(f"{PAGE}?{urlencode(data)}").status_code == 200


def test_adding_and_removing_rows_without_javascript(client):
    response = client.get(f"{PAGE}?{urlencode(black_thursday() | {'add': '1'})}")
    assert response.status_code == 302
    assert "ev-TOTAL_FORMS=2" in response["Location"]
    assert "ev-1-symbol=ETHUSDT" in response["Location"]
    data = black_thursday() | {"add": "1"}
    response = client.get(f"{PAGE}?{urlencode(data)}", headers={"HX-Request": "true"})
    assert "ev-TOTAL_FORMS=2" in response["HX-Push-Url"]


CSV = (
    "timestamp,open,high,low,close\n"
    "2024-01-01T00:00:00Z,100,101,99,100\n"
    "2024-01-01T00:01:00Z,100,100.5,80,99.5\n"
    "2024-01-01T00:02:00Z,99.5,100,99,99.8\n"
)


def upload(client, content: bytes, name="candles.csv", symbol="BTCUSDT"):
    file = SimpleUploadedFile(name, content, content_type="text/csv")
    return client.post(UPLOAD, {"candles": file, "symbol": symbol, "price_type": "last"})


def upload_error(response) -> str:
    match = re.search(r'id="id_candles_error">(.*?)</div>', response.content.decode())
    assert match, "the message sits beside the file field"
    return html_lib.unescape(match.group(1))


def test_an_upload_is_replayed_from_the_session_and_never_stored(client):
    response = upload(client, CSV.encode())
    assert response.status_code == 302
    assert client.session[SESSION_KEY]["symbol"] == "BTCUSDT"
    page = client.get(response["Location"])
    text = text_of(page)
    assert "Your candles: candles.csv" in text
    assert "A (BTCUSDT) closed by liquidation" in text  # the 80 wick, 5x long from 100
    assert SavedEvent.objects.count() == 0
    client.post(reverse("simulator:events_forget_upload"))
    assert SESSION_KEY not in client.session


def test_an_upload_with_wrong_columns_is_refused_beside_the_field(client):
    response = upload(client, b"date,price\n2024-01-01,1\n2024-01-02,2\n")
    assert response.status_code == 200  # the page again, the message beside the field
    assert upload_error(response) == MISSING_COLUMNS.format(found="date, price")


def test_an_upload_with_text_in_prices(client):
    response = upload(client, CSV.replace("100.5", "abc").encode())
    assert upload_error(response) == BAD_PRICE.format(row=2, column="high", value="abc")


def test_an_upload_with_unsorted_times(client):
    lines = CSV.splitlines()
    swapped = "\n".join([lines[0], lines[2], lines[1], lines[3]]) + "\n"
    message = upload_error(upload(client, swapped.encode()))
    assert message.startswith("Row 2: 2024-01-01T00:00:00+00:00 does not come after the row")


def test_a_10_mb_upload_is_refused_unread_with_a_message(client):
    # Beyond the site's upload limit the request guard answers before reading the body.
    big = CSV.encode() + b"x" * (10 * 1024 * 1024)
    response = upload(client, big)
    assert response.status_code == 413
    assert "larger than the 5 MB the site accepts" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_a_3_mb_upload_is_refused_beside_the_field(client):
    big = CSV.encode() + b"x" * (3 * 1024 * 1024)
    response = upload(client, big)
    assert response.status_code == 200  # the page again, the message beside the field
    assert upload_error(response) == UPLOAD_TOO_LARGE.format(size="3.0 MB")
    assert SESSION_KEY not in client.session


def test_a_binary_upload_is_not_text(client):
    assert "not readable text" in upload_error(upload(client, b"\xff\xfe\x00\x01" * 10))


def test_an_instructors_saved_event_is_offered_to_everyone(client):
    saved = SavedEvent.objects.create(
        title="Class example",
        symbol="BTCUSDT",
        price_type="last",
        source="My exchange",
        candles=CSV,
    )
    rows = [{"symbol": "BTCUSDT", "side": "long", "notional": "1000", "leverage": "2"}]
    data = setup_data(f"saved-{saved.pk}", rows, wallet="1000")
    text = text_of(client.get(f"{PAGE}?{urlencode(data)}"))
    assert "Class example" in text
    assert "Saved by an instructor. Source: My exchange" in text


def test_the_admin_form_validates_uploaded_candles(admin_client):
    file = SimpleUploadedFile("c.csv", b"date,price\n1,2\n3,4\n", content_type="text/csv")
    response = admin_client.post(
        "/admin/simulator/savedevent/add/",
        {
            "title": "T",
            "symbol": "BTCUSDT",
            "price_type": "last",
            "source": "S",
            "upload": file,
            "candles": "",
            "published": "on",
        },
    )
    assert response.status_code == 200
    assert MISSING_COLUMNS.format(found="date, price") in html_lib.unescape(
        response.content.decode()
    )
    assert SavedEvent.objects.count() == 0


def test_the_lesson_embed_states_both_lows(client):
    response = client.get("/simulator/events/embed/black-thursday-2020/")
    text = text_of(response)
    assert "mark low 3,801.83, last-price low 3,621.81" in text
    assert "on the mark price nothing liquidated; on the last price A liquidated" in text
    assert client.get("/simulator/events/embed/nothing-here/").status_code == 404


def test_wrong_methods_are_refused(client):
    assert client.post(PAGE).status_code == 405
    assert client.get(UPLOAD).status_code == 405
    assert client.get(reverse("simulator:events_forget_upload")).status_code == 405


def test_keeping_my_entry_scales_the_recorded_moves(client):
    data = black_thursday(entry="mine") | {"ev-0-entry_price": "50000"}
    text = text_of(client.get(f"{PAGE}?{urlencode(data)}"))
    assert "Positions opened at BTCUSDT 50,000.00." in text


def test_the_status_line_announces_both_outcomes(client):
    response = client.get(f"{PAGE}?{urlencode(black_thursday())}")
    status = re.search(r'id="event-status"[^>]*>(.*?)</div>', response.content.decode())
    assert status
    assert html_lib.unescape(status.group(1)).startswith(
        "Black Thursday replayed: Isolated, nothing liquidated, equity at the end $"
    )


def test_a_saved_event_broken_in_the_database_is_explained_not_a_500(client):
    saved = SavedEvent.objects.create(
        title="Broken", symbol="BTCUSDT", price_type="last", source="S", candles="nonsense"
    )
    rows = [{"symbol": "BTCUSDT", "side": "long", "notional": "1000", "leverage": "2"}]
    response = client.get(
        f"{PAGE}?{urlencode(setup_data(f'saved-{saved.pk}', rows, wallet='1000'))}"
    )
    assert response.status_code == 200
    assert "That event is no longer available; choose another one." in text_of(response)
