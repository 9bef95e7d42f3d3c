"""The one-pass form parser gives what Django's QueryDict gives, for any body."""

import pytest
from django.core.exceptions import TooManyFieldsSent
from django.http import QueryDict
from django.test import Client, override_settings
from hypothesis import example, given
from hypothesis import strategies as st

from academy.forms_parsing import parse_form_body
from simulator.presets import PRESETS

# Bodies built from the characters that mean something in a urlencoded form, plus any text.
form_pieces = st.lists(
    st.one_of(
        st.sampled_from(["&", "=", "+", "%", "%2", "%20", "%C3%A9", "%FF", ";", "&&", "=="]),
        st.text(max_size=8),
    ),
    max_size=20,
).map(lambda pieces: "".join(pieces).encode())


def as_lists(query: QueryDict) -> dict[str, list[str]]:
    return dict(query.lists())


@given(body=st.one_of(form_pieces, st.binary(max_size=200)))
@example(body=b"a=1&a=2&b=&c")
@example(body=b"&a=1&&b&=c&;d=e&")  # nothing to unquote: the split without the parser
@example(body=b"caf%C3%A9=cr%C3%A8me+br%C3%BBl%C3%A9e")
@example(body=b"\xff\xfe=latin&x=%ZZ")
def test_any_body_parses_as_django_parses_it(body):
    ours, djangos = parse_form_body(body), QueryDict(body, encoding="utf-8")
    assert as_lists(ours) == as_lists(djangos)
    assert list(ours) == list(djangos)  # the fields' order too
    assert ours.encoding == djangos.encoding


def test_the_result_is_immutable_like_requests_post():
    fields = parse_form_body(b"a=1")
    with pytest.raises(AttributeError):
        fields["a"] = "2"
    copy = fields.copy()
    copy["a"] = "2"
    assert copy["a"] == "2"
    assert fields["a"] == "1"


@override_settings(DATA_UPLOAD_MAX_NUMBER_FIELDS=3)
def test_too_many_fields_are_refused_as_django_refuses_them():
    with pytest.raises(TooManyFieldsSent):
        QueryDict(b"a=1&b=2&c=3&d=4", encoding="utf-8")
    with pytest.raises(TooManyFieldsSent):
        parse_form_body(b"a=1&b=2&c=3&d=4")
    assert parse_form_body(b"a=1&b=2&c=3").dict() == {"a": "1", "b": "2", "c": "3"}


@pytest.mark.django_db
@override_settings(DATA_UPLOAD_MAX_NUMBER_FIELDS=5)
def test_a_post_with_too_many_fields_is_a_400_not_a_500():
    response = Client().post("/simulator/", {f"f{i}": "x" for i in range(10)})
    assert response.status_code == 400


@pytest.mark.django_db
def test_a_form_post_in_another_charset_is_still_refused_by_django():
    response = Client().generic(
        "POST",
        "/simulator/",
        b"wallet_balance=5000",
        content_type="application/x-www-form-urlencoded; charset=latin-1",
    )
    assert response.status_code == 400


@pytest.mark.django_db
def test_the_simulator_reads_the_fields_a_learner_posted():
    w4 = PRESETS["W4"].form_data()
    valid = Client().post("/simulator/", w4, headers={"HX-Request": "true"}).content.decode()
    assert 'data-announce="Recalculated.' in valid
    broken = w4 | {"wallet_balance": "lots"}
    invalid = Client().post("/simulator/", broken, headers={"HX-Request": "true"}).content.decode()
    assert 'data-announce="Not recalculated' in invalid
