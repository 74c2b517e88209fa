"""The anonymizer's rules (法释〔2016〕19号 Art. 8–10) as plain functions, and its command."""

import json

import pytest
from django.core.management import call_command

from casestudies.anonymization import (
    Options,
    Person,
    Unit,
    anonymize,
    number_pseudonyms,
    pseudonym_for,
)

NO_TAGGER = Options(detect_unlisted=False)


def rules(result):
    return [(r.original, r.replacement, r.rule) for r in result.replacements]


@pytest.mark.parametrize(
    "person, expected",
    [
        (Person("王建国"), "王某"),
        (Person("欧阳娜娜"), "欧阳某"),
        (Person("司马光明"), "司马某"),
        (Person("阿依古丽", kind="minority"), "阿某"),
        (Person("买买提·艾力"), "买某"),
        (Person("John Smith"), "J某"),
    ],
)
def test_pseudonyms(person, expected):
    assert pseudonym_for(person) == expected


def test_listed_person_and_offsets_point_into_the_input():
    text = "鉴湖区某局副局长王建国在审批中推诿扯皮。"
    result = anonymize(text, [Person("王建国")], options=NO_TAGGER)
    assert result.text == "鉴湖区某局副局长王某在审批中推诿扯皮。"
    for replacement in result.replacements:
        assert text[replacement.start : replacement.end] == replacement.original


def test_collisions_are_numbered_in_order_of_appearance_and_consistently():
    text = "王小军向王建国汇报,王建国批评了王小军。"
    result = anonymize(text, [Person("王建国"), Person("王小军")], options=NO_TAGGER)
    assert result.text == "王某1向王某2汇报,王某2批评了王某1。"


def test_one_numbering_for_several_texts():
    """Numbered by first appearance in the first text, then the next, then the list: the
    title that names only 王建军 still calls him 王某2, as the account does."""
    persons = [Person("王建军"), Person("王晓东"), Person("王建国"), Person("李秀英")]
    account, title = "建国向王建军汇报。", "王晓东、王建军违纪问题"
    mapping = number_pseudonyms(persons, [account, title])
    assert mapping == {"王建国": "王某1", "王建军": "王某2", "王晓东": "王某3", "李秀英": "李某"}
    result = anonymize(title, persons, options=NO_TAGGER, pseudonyms=mapping)
    assert result.text == "王某3、王某2违纪问题"
    assert anonymize(account, persons, options=NO_TAGGER, pseudonyms=mapping).text == (
        "王某1向王某2汇报。"
    )


def test_unlisted_names_are_numbered_around_the_given_pseudonyms():
    persons = [Person("王建国"), Person("王建军")]
    mapping = {"王建国": "王某1", "王建军": "王某2"}
    result = anonymize("村民王德顺找到王建军。", persons, pseudonyms=mapping)
    assert [c.text for c in result.candidates] == ["王德顺"]
    assert result.text == "村民王某3找到王某2。"


def test_forms_of_address():
    text = "王建国任局长。建国平时被称作老王,群众说王局长不接电话,小王也这么说。"
    result = anonymize(text, [Person("王建国")], options=NO_TAGGER)
    assert result.text == "王某任局长。王某平时被称作王某,群众说王某局长不接电话,王某也这么说。"
    assert {r.rule for r in result.replacements} == {
        "person",
        "given_name",
        "form_of_address",
        "surname_and_title",
    }


def test_titles_stay_unnumbered_when_two_people_share_a_surname():
    text = "王建国和王小军都在场,王书记表态。"
    result = anonymize(text, [Person("王建国"), Person("王小军")], options=NO_TAGGER)
    assert "王某书记" in result.text and "王建国" not in result.text


@pytest.mark.parametrize(
    "text, rule",
    [
        ("身份证号330102198001011234。", "id_card"),
        ("身份证号33010219800101123X。", "id_card"),
        ("手机13812345678。", "mobile"),
        ("电话0574-87654321。", "landline"),
        ("银行卡6222 0212 3456 7890 123。", "bank_account"),
        ("账号6222021234567890123。", "bank_account"),
        ("车牌浙B12345。", "licence_plate"),
        ("新能源车浙AD12345。", "licence_plate"),
        ("邮箱wangjg@163.com。", "email"),
        ("QQ号:123456789。", "qq"),
        ("微信号:wjg_1980。", "wechat"),
        ("证书编号:GZ2020123456。", "certificate"),
    ],
)
def test_identifiers_are_masked(text, rule):
    result = anonymize(text, options=NO_TAGGER)
    assert [r.rule for r in result.replacements] == [rule]
    assert "×" in result.text
    assert not any(ch.isdigit() for ch in result.text.replace("×", ""))


def test_dates_money_and_case_numbers_are_left_alone():
    text = "2021年3月至6月,涉及资金120万元,鉴纪〔2021〕12号文件。"
    assert anonymize(text, options=NO_TAGGER).text == text


def test_addresses_below_county_level_are_generalized():
    text = "住在鉴湖区人民路18号3栋2单元501室,后搬到翠苑小区5栋301室,老家石桥镇上坝村3组。"
    result = anonymize(text, options=NO_TAGGER)
    assert result.text == "住在鉴湖区某处,后搬到某小区,老家石桥镇上坝村。"


def test_listed_units_become_their_kind():
    text = "鉴湖区自然资源局和东湖街道办事处、明州宏达建设有限公司。"
    units = [Unit("鉴湖区自然资源局"), Unit("东湖街道办事处"), Unit("明州宏达建设有限公司")]
    result = anonymize(text, units=units, options=NO_TAGGER)
    assert result.text == "某局和某街道办事处、某公司。"
    assert (
        anonymize("区城管委", units=[Unit("区城管委", "某部门")], options=NO_TAGGER).text
        == "某部门"
    )


def test_unlisted_names_are_replaced_and_reported_as_candidates():
    text = "王建国让科员李红梅和张伟补材料,王某某也在场。"
    result = anonymize(text, [Person("王建国")])
    assert result.text == "王某让科员李某和张某补材料,王某某也在场。"
    found = {(c.text, text[c.start : c.end]) for c in result.candidates}
    assert found == {("李红梅", "李红梅"), ("张伟", "张伟")}
    assert all(c.reason for c in result.candidates)


def test_candidates_can_be_kept_without_replacing():
    text = "科员李红梅未及时提醒。"
    result = anonymize(text, options=Options(replace_unlisted=False))
    assert result.text == text
    assert [c.text for c in result.candidates] == ["李红梅"]


def test_ordinary_words_that_look_like_names_are_not_candidates():
    text = "推进文明城市创建,和平街道环境明显改善,高明的做法值得推广。"
    assert anonymize(text).candidates == []


def test_empty_text():
    assert anonymize("").text == ""


def test_command_prints_json_with_input_offsets(tmp_path, capsys):
    path = tmp_path / "case.txt"
    text = "王建国的电话是13812345678,老王在鉴湖区自然资源局工作。"
    path.write_text(text, encoding="utf-8")
    call_command("anonymize", str(path), "--person", "王建国", "--unit", "鉴湖区自然资源局")
    data = json.loads(capsys.readouterr().out)
    assert data["text"] == "王某的电话是×××,王某在某局工作。"
    for item in data["replacements"]:
        assert text[item["start"] : item["end"]] == item["original"]
        assert set(item) == {"start", "end", "original", "replacement", "rule"}
    assert data["candidates"] == []


def test_command_reads_stdin(monkeypatch, capsys):
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("李红梅同志反映情况。"))
    call_command("anonymize", "-")
    data = json.loads(capsys.readouterr().out)
    assert data["text"] == "李某同志反映情况。"
    assert data["candidates"][0]["text"] == "李红梅"


def test_command_missing_file_is_a_clear_error():
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="找不到文件"):
        call_command("anonymize", "/no/such/file.txt")


@pytest.mark.parametrize(
    "number, rule",
    [
        ("330602 19780315 2417", "id_card"),
        ("3306 2119 9001 0212 28", "id_card"),
        ("33062119650823402x", "id_card"),
        ("330602750411321", "id_card"),
        ("138-5754-2163", "mobile"),
        ("186.5851.2290", "mobile"),
        ("+86 139 0571 8826", "mobile"),
        ("(+86)15167521188", "mobile"),
        ("0575-8512 3456", "landline"),
        ("（0575）88215673", "landline"),
        ("0575—87654321", "landline"),
        ("0575 8766 5432", "landline"),
        ("0575-85123011转806", "landline"),
        ("浙D·12345", "licence_plate"),
        ("浙D-A8K67", "licence_plate"),
        ("浙 D 3N256", "licence_plate"),
        ("粤B·D12345", "licence_plate"),
        ("浙A1234学", "licence_plate"),
    ],
)
def test_identifiers_in_the_shapes_people_write_them(number, rule):
    """Groups and separators of either width, brackets around area codes, extensions, the old
    15-digit identity card, plates with a space or a hyphen."""
    result = anonymize(f"联系方式{number}。", options=NO_TAGGER)
    assert result.text == "联系方式×××。"
    assert [r.rule for r in result.replacements] == [rule]


@pytest.mark.parametrize(
    "text, rule",
    [
        ("其微信号为zhaoli_1988。", "wechat"),
        ("另有一个微信号是Zheng_Bin66。", "wechat"),
        ("VX：fxy19900102。", "wechat"),
        ("教师资格证号码：20093306221000123。", "certificate"),
        ("护照号码E63412987。", "certificate"),
        ("不动产权证书号为浙（2020）绍兴市不动产权第0034567号。", "certificate"),
        ("房屋所有权证号：绍房权证越字第123456号。", "certificate"),
        ("营业执照注册号为330602000123456X。", "certificate"),
        ("办公电话88215673。", "landline"),
    ],
)
def test_identifiers_after_the_words_that_name_them(text, rule):
    result = anonymize(text, options=NO_TAGGER)
    assert [r.rule for r in result.replacements] == [rule]
    assert not any(char.isdigit() for char in result.text)


def test_numbers_that_are_no_identifiers_stay():
    text = "2019年至2023年，共计4.6万元，第2023001号文件，6月15日，1998.1-2003.12任科员。"
    assert anonymize(text, options=NO_TAGGER).text == text


def test_a_bank_account_in_groups_is_not_cut_into_a_landline():
    result = anonymize("账号6222 0212 3456 7890 123。", options=NO_TAGGER)
    assert [r.rule for r in result.replacements] == ["bank_account"]


def test_full_width_digits_and_letters_are_read_as_ascii():
    result = anonymize(
        "联系电话：１３８５７５４２１６３，微信号为Ｚｈａｎｇ＿８８９９。", options=NO_TAGGER
    )
    assert result.text == "联系电话：×××，×××。"
    assert [r.rule for r in result.replacements] == ["mobile", "wechat"]


@pytest.mark.parametrize(
    "text, rule",
    [
        ("QQ号为123456789。", "qq"),
        ("车牌浙·D12345。", "licence_plate"),
        ("证书编号：No.ZJ2019001234。", "certificate"),
    ],
)
def test_more_identifier_shapes(text, rule):
    assert [r.rule for r in anonymize(text, options=NO_TAGGER).replacements] == [rule]


@pytest.mark.parametrize(
    "text, rule",
    [
        ("身份证号：330602********2417。", "id_card"),
        ("手机：138****5678。", "mobile"),
        ("电话86-13857542163。", "mobile"),
        ("车牌浙A·8O8O8。", "licence_plate"),
        ("QQ（12345678）。", "qq"),
        ("土地使用证号：鉴国用（2015）第00123号。", "certificate"),
        ("统一社会信用代码：91330602MA2A1B2C3D。", "certificate"),
    ],
)
def test_half_masked_numbers_and_further_shapes(text, rule):
    result = anonymize(text, options=NO_TAGGER)
    assert [r.rule for r in result.replacements] == [rule]
    assert not any(char.isdigit() for char in result.text)
