"""Code tables: contents named by the spec, sources, run-time extension."""

import pytest

from lantian.hj212 import codes


@pytest.fixture(autouse=True)
def _clean_registry():
    yield
    codes.reset_registered()


def test_system_codes_of_the_spec():
    # specs/hj212.md: 21 surface water, 22 ambient air, 23 noise, 27 VOCs, 31 flue gas,
    # 32 wastewater, 39 dust, 51/52 process, 91 system interaction.
    table = codes.system_codes()
    for code in ("21", "22", "23", "27", "31", "32", "39", "51", "52", "91"):
        assert code in table
    assert table["22"].name_zh == "空气质量监测" and table["91"].name_en == "system interaction"


def test_command_codes_of_the_spec():
    table = codes.command_codes()
    for code in (
        "2011",
        "2051",
        "2061",
        "2031",
        "2041",
        "2021",
        "2081",
        "1011",
        "1012",
        "1061",
        "1062",
        "1063",
        "1064",
        "1072",
        "9011",
        "9012",
        "9013",
        "9014",
        "9015",
    ):
        assert code in table
    assert table["2051"].name("en") == "minute data"


def test_data_flags_qn_rtn_exe_rtn_and_flag_bits():
    assert set(codes.data_flags()) == set("NFMSDCTB")  # specs/hj212.md data flags
    assert set(codes.qn_rtn_codes()) == {"1", "2", "3", "4", "5", "6", "7", "8", "9", "100"}
    assert codes.qn_rtn_codes()["9"].name_zh == "CRC校验错误"
    assert codes.exe_rtn_codes()["1"].name_en == "succeeded"
    assert {"A", "D", "V0", "V1", "V2"} <= set(codes.flag_bits())


def test_air_pollutants_with_names_and_units():
    table = codes.pollutants()
    expected = {  # specs/hj212.md codes; GB 3095-2012 / HJ 212-2017 附录B units
        "a34004": "μg/m³",
        "a34002": "μg/m³",
        "a21026": "μg/m³",
        "a21004": "μg/m³",
        "a21005": "mg/m³",
        "a05024": "μg/m³",
        "a01001": "℃",
        "a01002": "%",
        "a01006": "kPa",
        "a01007": "m/s",
        "a01008": "°",
    }
    assert {code: table[code].unit for code in expected} == expected
    assert table["a34004"].name_en == "PM2.5"


def test_every_row_names_its_source():
    for name in codes.TABLE_FILES:
        for row in codes.table(name).values():
            assert row.source, (name, row.code)


def test_power_codes_are_marked_provisional():
    power = [row for row in codes.pollutants().values() if row.code.startswith("ea3001")]
    assert power and all("provisional" in row.source for row in power)


def test_register_and_load_csv(tmp_path):
    codes.register(
        "pollutant",
        [
            {
                "code": "w01018",
                "name_zh": "化学需氧量",
                "name_en": "COD",
                "unit": "mg/L",
                "source": "HJ 212-2017 附录B",
            }
        ],
    )
    assert codes.pollutants()["w01018"].unit == "mg/L"
    extra = tmp_path / "st.csv"
    extra.write_text("code,name_zh,name_en,source\n80,用电监控,power monitoring,province\n", encoding="utf-8")
    codes.load_csv("system", extra)
    assert "80" in codes.system_codes() and "80" in codes.keysets["system"]
    codes.reset_registered()
    assert "80" not in codes.keysets["system"]


def test_unknown_table():
    with pytest.raises(KeyError):
        codes.table("nope")
