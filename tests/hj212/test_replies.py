"""Answers 9011–9014 and the platform's commands."""

from datetime import datetime

from lantian.hj212 import (
    Target,
    Version,
    data_answer,
    decode,
    encode,
    execution_result,
    get_min_interval,
    get_rtd_interval,
    get_time,
    make_flag,
    new_qn,
    notification_answer,
    request_answer,
    set_min_interval,
    set_password,
    set_rtd_interval,
    set_time,
    time_calibration_answer,
)

from .frames import APPENDIX_1011, APPENDIX_1062, MN, air_frame, make_frame


def segment(packet) -> str:
    return encode(packet)[6:-6].decode()


def test_9011_request_answer_like_the_appendix():
    # HJ 212-2017 Appendix C: QN=…;ST=91;CN=9011;PW=…;MN=…;Flag=4;CP=&&QnRtn=1&&
    answer = request_answer(decode(APPENDIX_1062))
    assert segment(answer) == f"QN=20160801085857223;ST=91;CN=9011;PW=100000;MN={MN};Flag=4;CP=&&QnRtn=1&&"
    assert not answer.needs_ack


def test_9011_refusal_codes():
    assert request_answer(decode(APPENDIX_1062), 3).cp.fields == {"QnRtn": "3"}  # QnRtn 3: PW error


def test_9012_execution_result():
    assert segment(execution_result(decode(APPENDIX_1062))).endswith(";Flag=4;CP=&&ExeRtn=1&&")
    assert execution_result(decode(APPENDIX_1062), 100).cp.get("ExeRtn") == "100"  # 100: no data


def test_9013_notification_answer():
    assert segment(notification_answer(decode(APPENDIX_1062))).endswith(
        ";CN=9013;PW=100000;MN=" + MN + ";Flag=4;CP=&&&&"
    )


def test_9014_data_answer_keeps_the_version():
    data = decode(air_frame())
    assert segment(data_answer(data)) == f"QN={data.qn};ST=91;CN=9014;PW=123456;MN={MN};Flag=4;CP=&&&&"
    answer_2025 = data_answer(decode(APPENDIX_1011))
    assert answer_2025.flag == 8 and answer_2025.version is Version.HJ212_2025  # V=2, A=0


def test_2005_answers_carry_qn_inside_cp():
    request = decode(
        make_frame("QN=20040516010101001;ST=32;CN=1031;PW=123456;MN=88888880000001;Flag=1;CP=&&&&")
    )
    answer = request_answer(request)
    assert (
        segment(answer)
        == "ST=91;CN=9011;PW=123456;MN=88888880000001;Flag=0;CP=&&QN=20040516010101001;QnRtn=1&&"
    )
    assert decode(encode(answer)) == answer


def test_commands_reproduce_the_appendix_examples():
    assert encode(set_rtd_interval(Target(MN, "100000", "32"), 30, qn="20160801085857223")) == APPENDIX_1062
    assert (
        encode(get_time(Target(MN, "123456", "32", Version.HJ212_2025), qn="20240601085857223"))
        == APPENDIX_1011
    )


def test_other_commands():
    target = Target(MN, "123456", "22")
    moment = datetime(2024, 6, 1, 9, 0, 5)
    assert set_time(target, moment, qn="20240601090005000").cp.text == "SystemTime=20240601090005"
    assert get_time(target, pol_id="a34004").cp.text == "PolId=a34004"
    assert get_rtd_interval(target).cn == "1061" and not get_rtd_interval(target).cp
    assert get_min_interval(target).cn == "1063"
    assert set_min_interval(target, 10).cp.text == "MinInterval=10"
    assert set_password(target, "654321").cp.text == "NewPW=654321"
    for command in (set_time(target, moment), get_rtd_interval(target), set_password(target, "654321")):
        assert command.flag == make_flag(Version.HJ212_2017, needs_ack=True)
        assert decode(encode(command)) == command


def test_time_calibration_request_is_answered_with_the_time():
    request = decode(
        make_frame(f"QN=20240601085900123;ST=22;CN=1013;PW=123456;MN={MN};Flag=5;CP=&&PolId=a34004&&")
    )
    answer = time_calibration_answer(request, datetime(2024, 6, 1, 9, 0, 0))
    assert answer.cn == "1012" and answer.st == "22" and answer.mn == MN
    assert answer.cp.text == "PolId=a34004;SystemTime=20240601090000"


def test_new_qn_format():
    # QN = YYYYMMDDhhmmsszzz (specs/hj212.md "Data segment fields").
    assert new_qn(datetime(2024, 6, 1, 8, 58, 57, 223456)) == "20240601085857223"
    assert len(new_qn()) == 17
