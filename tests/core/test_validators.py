import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import ric as stdnum_ric
from stdnum.cn import uscc as stdnum_uscc

from onewindow.core import clock
from onewindow.core.validators import (
    USCC_CHARSET,
    id_number_check_digit,
    normalise_id_number,
    normalise_mobile,
    normalise_uscc,
    uscc_check_char,
    validate_id_number,
    validate_mobile,
    validate_uscc,
)
from tests.factories.org import with_id_check_digit

GB11643_EXAMPLE = "11010519491231002X"  # the worked example printed in GB 11643-1999
REAL_USCCS = [
    "91350100M000100Y43",  # the worked example of GB 32100-2015
    "914403001922038216",  # 华为技术有限公司
    "91330100799655058B",  # 阿里巴巴（中国）有限公司
    "9144030071526726XG",  # 深圳市腾讯计算机系统有限公司
    "91110108551385082Q",  # 小米科技有限责任公司
]


def error_code(validator, value) -> str:
    with pytest.raises(ValidationError) as info:
        validator(value)
    return info.value.code


# --- resident ID numbers --------------------------------------------------------------


def test_gb11643_example_check_digit():
    assert id_number_check_digit(GB11643_EXAMPLE[:17]) == "X"
    validate_id_number(GB11643_EXAMPLE)


def test_lower_case_x_is_accepted_and_normalised():
    validate_id_number("11010519491231002x")
    assert normalise_id_number(" 11010519491231002x ") == GB11643_EXAMPLE


def test_more_id_numbers_with_digit_check():
    # 4·7+4·9+0+3·5+0+1·4+1·2+9·1+9·6+0+0+3·9+0+7·5+5·8+5·4+5·2 = 280; 280 mod 11 = 5 → "7"
    assert id_number_check_digit("44030119900307555") == "7"
    validate_id_number("440301199003075557")


@pytest.mark.parametrize("position", range(17))
def test_any_one_digit_edit_of_an_id_number_fails(position):
    digit = GB11643_EXAMPLE[position]
    for replacement in "0123456789":
        if replacement == digit:
            continue
        edited = GB11643_EXAMPLE[:position] + replacement + GB11643_EXAMPLE[position + 1 :]
        with pytest.raises(ValidationError):
            validate_id_number(edited)


@given(
    st.from_regex(
        r"\A(?:1[1-5]|[2-6][0-9])[0-9]{4}(?:19[5-9][0-9]|200[0-9])(?:0[1-9]|1[0-2])(?:0[1-9]|1[0-9]|2[0-8])[0-9]{3}\Z"
    )
)
def test_check_digit_agrees_with_the_factory_helper(first17):
    value = with_id_check_digit(first17)
    assert id_number_check_digit(first17) == value[17]
    validate_id_number(value)


def test_wrong_check_digit():
    assert error_code(validate_id_number, "110105194912310021") == "ID_NUMBER_CHECK_DIGIT"


def test_id_number_length_and_format():
    assert error_code(validate_id_number, "11010519491231002") == "ID_NUMBER_LENGTH"
    assert error_code(validate_id_number, "") == "ID_NUMBER_LENGTH"
    assert error_code(validate_id_number, "1101051949123100XX") == "ID_NUMBER_FORMAT"
    assert error_code(validate_id_number, "11010519491231００2X") == "ID_NUMBER_FORMAT"  # full-width


def test_id_number_birth_date_must_be_real():
    first17 = "11010519490231002"  # 31 February
    assert error_code(validate_id_number, first17 + id_number_check_digit(first17)) == "ID_NUMBER_BIRTH_DATE"


def test_id_number_birth_date_not_in_the_future():
    first17 = "11010520261124002"
    value = first17 + id_number_check_digit(first17)
    with clock.frozen(dt.datetime(2026, 11, 23, 12, tzinfo=dt.UTC)):
        assert error_code(validate_id_number, value) == "ID_NUMBER_BIRTH_DATE_FUTURE"
    with clock.frozen(dt.datetime(2026, 11, 24, 12, tzinfo=dt.UTC)):
        validate_id_number(value)


def test_id_number_message_is_chinese():
    with translation.override("zh-hans"), pytest.raises(ValidationError) as info:
        validate_id_number("110105194912310021")
    assert "校验位" in info.value.messages[0]
    with translation.override("zh-hans"), pytest.raises(ValidationError) as info:
        validate_id_number("1101051949")
    assert info.value.messages[0] == "居民身份证号码应为18位，当前为10位。"


def test_a_region_prefix_stdnum_does_not_know_for_the_birth_year_is_accepted():
    # 110103 (崇文区) was merged into 东城区 in 2010; stdnum's own validate() refuses it for
    # a later birth year, but the prefix is where the number was issued, not a birthplace.
    first17 = "11010320150101123"
    value = first17 + id_number_check_digit(first17)
    assert not stdnum_ric.is_valid(value)
    validate_id_number(value)


def test_id_check_digit_helper_refuses_bad_input():
    with pytest.raises(ValueError):
        id_number_check_digit("1101051949123100")
    with pytest.raises(ValueError):
        id_number_check_digit("1101051949123100A")


# --- unified social credit codes ------------------------------------------------------


@pytest.mark.parametrize("code", REAL_USCCS)
def test_real_usccs_pass(code):
    assert uscc_check_char(code[:17]) == code[17]
    validate_uscc(code)


@pytest.mark.parametrize("code", REAL_USCCS)
def test_any_one_character_edit_of_a_uscc_fails(code):
    for position in range(18):
        for replacement in USCC_CHARSET:
            if replacement == code[position]:
                continue
            edited = code[:position] + replacement + code[position + 1 :]
            with pytest.raises(ValidationError):
                validate_uscc(edited)


def test_a_uscc_whose_registering_authority_is_a_letter_is_accepted():
    # N: registered by the agriculture department (a village collective economic organisation).
    code = "N2370982MF" + "1234567"
    code += uscc_check_char(code)
    assert not stdnum_uscc.is_valid(code)  # stdnum wants eight leading digits
    validate_uscc(code)


def test_uscc_charset_has_31_characters_without_i_o_s_v_z():
    assert len(USCC_CHARSET) == 31
    assert not set("IOSVZ") & set(USCC_CHARSET)


def test_uscc_errors():
    assert error_code(validate_uscc, "91350100M000100Y4") == "USCC_LENGTH"
    assert error_code(validate_uscc, "91350100M000100I43") == "USCC_FORMAT"  # I is not used
    assert error_code(validate_uscc, "91350100M000100Y44") == "USCC_CHECK_CHAR"


def test_uscc_check_of_31_maps_to_zero():
    # Find a prefix whose weighted sum is a multiple of 31: its check character is "0".
    prefix = "9135010000000000"
    for c in USCC_CHARSET:
        if uscc_check_char(prefix + c) == "0":
            validate_uscc(prefix + c + "0")
            break
    else:
        pytest.fail("no prefix with check character 0")


def test_uscc_lower_case_is_normalised():
    validate_uscc("91350100m000100y43")
    assert normalise_uscc(" 91350100m000100y43") == "91350100M000100Y43"


def test_uscc_message_is_chinese():
    with translation.override("zh-hans"), pytest.raises(ValidationError) as info:
        validate_uscc("91350100M000100Y44")
    assert info.value.messages[0] == "统一社会信用代码校验位不正确，请逐位核对。"


# --- mobile numbers -------------------------------------------------------------------


@pytest.mark.parametrize(
    "value", ["13800138000", "19912345678", "+8613800138000", "+86 138 0013 8000", "0086-138-0013-8000"]
)
def test_valid_mobiles(value):
    validate_mobile(value)
    assert normalise_mobile(value) in {"13800138000", "19912345678"}


@pytest.mark.parametrize(
    "value",
    ["12800138000", "1380013800", "138001380001", "+8512800138000", "010-12345678", "1380013800a", ""],
)
def test_invalid_mobiles(value):
    assert error_code(validate_mobile, value) == "MOBILE_FORMAT"


def test_mobile_message_is_chinese():
    with translation.override("zh-hans"), pytest.raises(ValidationError) as info:
        validate_mobile("12345")
    assert "手机号码" in info.value.messages[0]
