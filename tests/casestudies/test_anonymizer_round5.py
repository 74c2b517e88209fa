"""The anonymizer's rules of the fifth round of issue 16 (§1), one test per rule."""

import pytest

from casestudies.anonymization import anonymize
from tests.support.anonymizer import found, rules


@pytest.mark.parametrize(
    "text, number",
    [
        ("电话：+8613957112233。", "+8613957112233"),
        ("电话：0086-13957112233。", "0086-13957112233"),
        ("电话：0086 139 5711 2233。", "0086 139 5711 2233"),
    ],
)
def test_mobiles_after_a_country_code_are_mobiles_not_accounts(text, number):
    # +86 or 0086 and 11 digits from 13–19 are a mobile, not the 13 or 15 digits of an account.
    assert rules(text) == [(number, "mobile")]


def test_the_last_four_digits_of_a_mobile():
    assert rules("尾号8765的手机号码多次收到验证码。") == [("8765", "mobile")]
    # …not four digits that are a year or an amount after 尾号 (尾号为2023年).
    assert rules("车牌尾号2023年起限行。") == []


@pytest.mark.parametrize(
    "plate",
    [
        "浙BD-67890",  # new energy, small: D or F after the letter, a separator after it
        "浙B·F67890",
        "浙B 67890F",  # new energy, large: D or F last
        "浙B1234领",  # consulates
        "使234567",  # embassies: 使 and six digits
        "浙B1234使",
    ],
)
def test_plate_shapes_of_ga_36(plate):
    assert rules(f"车辆{plate}停在路边。") == [(plate, "licence_plate")]


def test_no_name_is_found_inside_a_plate():
    text = "两辆车湘A·3B2C1和京B 67890F被查扣。"
    assert [r.rule for r in anonymize(text).replacements] == ["licence_plate", "licence_plate"]
    assert found(text) == []


@pytest.mark.parametrize(
    "text, name",
    [
        ("县纪委对姜清明违规发放补贴问题进行了通报。", "姜清明"),
        ("元旦假期，魏冬至驾驶公车外出。", "魏冬至"),
        ("，邵元宵多次收受红包。", "邵元宵"),
        ("经查，卢中秋和陈某某违规发放福利。", "卢中秋"),
    ],
)
def test_a_festival_in_a_persons_slot_is_a_given_name(text, name):
    # A surname and a festival word opening a clause or after 对/和…, with a verb after it,
    # is a person; the day is followed by a word of time (中秋前夕) or by a mark.
    assert found(text) == [name]


def test_festivals_as_days_stay_days():
    assert found("喜迎国庆，欢度中秋，全镇干部坚守岗位。") == []
    assert found("2023年中秋、国庆期间，县纪委开展明察暗访。") == []
    # The known false positive: a listed given name inside a longer word is no name.
    result = anonymize("吴国庆说，国庆节期间他没有休息。", ["吴国庆"])
    assert "国庆节" in result.text and "吴国庆" not in result.text


def test_a_name_never_begins_inside_the_post_before_it():
    # 会计费明: the segmenter reads 计费 (billing) and 明, but the text writes the post 会计 first.
    assert found("县纪委监委通报：会计费明同志表示") == ["费明"]
