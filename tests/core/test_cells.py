"""How a stored value reads in every list cell and detail row (the ``cell`` filter all of them use)."""

import pytest

from lantian.core.templatetags.lantian import cell


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (16378.8 - 2.2, "16376.6"),  # a net value: reading less background
        (0.1 + 0.2, "0.3"),
        (41.4, "41.4"),
        (3.0, "3.0"),
        (123456789.123, "123456789.123"),
        (1e-7, "1e-07"),
        (-0.5, "-0.5"),
    ],
)
def test_floats_read_as_their_measured_digits(value, shown):
    assert cell(value) == shown


def test_a_list_shows_a_float_column_as_measured(tree, client, login):
    """The detection records' net values on the list a bureau reads (the column that showed
    16376.599999999999)."""
    from tests.ldar.cases import detection

    reading = detection(tree).record
    reading.reading, reading.background = 16378.8, 2.2
    reading.save()
    reading.refresh_from_db()
    assert reading.net_value != 16376.6
    login(tree.city_admin)
    html = client.get("/ldar/detectionrecords/").content.decode()
    assert "16376.6" in html and "16376.59999" not in html
