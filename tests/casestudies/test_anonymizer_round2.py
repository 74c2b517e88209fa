"""The anonymizer's rules of the second round of issue 16 (§1), one test per rule."""

import pytest

from casestudies.anonymization import Person, anonymize
from tests.support.anonymizer import found, masked


@pytest.mark.parametrize(
    "text, names",
    [
        ("九、南湖社区居委会主任强华、副主任双红违规出具证明。", ["强华", "双红"]),
        ("开发区招商局科员那丽在招商引资中违规承诺。", ["那丽"]),
        ("副局长战鹏飞对群众反映问题推诿扯皮。", ["战鹏飞"]),
    ],
)
def test_rarer_classical_surnames_after_a_post(text, names):
    assert found(text) == names


def test_an_ordinary_noun_set_off_after_a_post_is_the_name():
    assert found("招商局局长时光、招商局科员那丽违规承诺优惠政策。") == ["时光", "那丽"]
    assert found("县信访局局长原野、副局长战鹏飞推诿扯皮。") == ["原野", "战鹏飞"]
    # …but not a verb, a pronoun or a noun whose second character reads as no given name.
    assert found("“有事和群众商量，办事让群众满意。”") == []
    assert found("要像杨善洲老书记那样，退休不褪色。") == []


@pytest.mark.parametrize(
    "text, name",
    [
        ("群众对许建的工作作风意见很大，多次向镇纪委反映许建及其亲属的问题。", "许建"),
        ("在曹丽的带动下，村里的妇女们成立了合作社，曹丽把订单分给了每一户。", "曹丽"),
        ("彭飞让其下属虚开发票，会计向彭飞提出异议。", "彭飞"),
        ("张伟被赵刚打伤，住院治疗。", "赵刚"),
    ],
)
def test_a_name_framed_by_function_characters(text, name):
    result = anonymize(text)
    assert name in {c.text for c in result.candidates}
    assert name not in result.text


def test_an_official_is_a_role():
    assert found("警示教育片中，落马官员苏德全忏悔道：“我辜负了组织的培养。”") == ["苏德全"]


def test_an_exemplar_with_a_title_is_no_person():
    text = "支部书记余海在党课上讲述了张桂梅校长的事迹。"
    assert found(text) == ["余海"]


@pytest.mark.parametrize("dot", ["・", "•", "‧"])
def test_other_marks_for_the_middle_dot(dot):
    text = f"阿克苏地区温宿县佳木镇镇长艾尔肯{dot}吐尔逊带领干部入户宣讲政策。"
    result = anonymize(text)
    assert "艾某" in result.text and "吐尔逊" not in result.text


def test_the_part_after_a_dot_as_the_segmenters_words():
    assert "艾山" not in anonymize("乡农业站站长努尔古丽·艾山违规套取项目资金。").text
    result = anonymize("村民在镇干部玉素甫·卡德尔的帮助下开起了馕坑店。")
    assert "玉某的帮助" in result.text and "卡德尔" not in result.text


def test_a_part_of_a_dotted_name_written_alone_is_that_person():
    text = "镇人大主席阿不都热西提·吾斯曼说，今年新建大棚200座。阿不都热西提介绍，大棚统一管理。"
    result = anonymize(text)
    assert "阿不都热西提" not in result.text
    assert result.text.count("阿某") == 2 and "阿某1" not in result.text


def test_a_listed_name_written_with_another_dot():
    text = "副镇长迪丽娜尔・艾则孜参加会议，迪丽娜尔作了发言。"
    result = anonymize(text, [Person("迪丽娜尔・艾则孜", "minority")])
    assert "迪丽娜尔" not in result.text and "艾则孜" not in result.text


def test_long_uyghur_names_are_one_name():
    result = anonymize("副乡长阿卜杜热合曼·阿卜杜热西提参加会议。")
    assert result.text == "副乡长阿某参加会议。"


def test_a_name_right_after_a_unit():
    text = "县财政局李明、县水利局王芳、县教育局欧阳晓军分别受到党内警告处分。"
    assert found(text) == ["李明", "王芳", "欧阳晓军"]
    assert found("县住建局房屋科、规划股负责同志参加会议。") == []


def test_names_listed_beside_a_figure_are_figures():
    assert found("我们要学习焦裕禄、孔繁森、杨善洲等先进典型。") == []
    assert found("他最崇拜的人是白求恩和雷锋。") == []
    assert found("村支书李明说，要向孔繁森、沈浩同志学习。") == ["李明"]
    # …but beside a person named after a post, a frequent name is a person.
    assert "刘芳" in found("村民张伟、刘芳、上官云等人反映路灯损坏问题。")


@pytest.mark.parametrize(
    "number",
    [
        "138 5754 21 63",
        "1595-859-3321",
        "139.5851.22.90",
        "186 58 51 2290",
        "13 857 542 163",
        "+86 138 5754 21 63",
        "86 138 5754 21 63",
        "0086 138 5754 21 63",
        "13857 542163",
        "138\u00a05754\u00a02163",
        "138xxxx5678",
        "138-****-5678",
    ],
)
def test_mobiles_in_other_groupings(number):
    assert masked(f"联系电话{number}。") == "联系电话×××。"


@pytest.mark.parametrize(
    "text", ["1998.1-2003.12任职", "共13 15 16 18 20 22户", "2019.10-2020.12", "139.5851.22.905"]
)
def test_numbers_that_are_no_mobiles(text):
    assert masked(text) == text


@pytest.mark.parametrize(
    "plate", ["浙D·12345", "浙 D 12345", "浙D-A1234", "浙D—12345", "浙　D12345", "浙D·F12345"]
)
def test_plates(plate):
    assert masked(f"公务车{plate}被私用。") == "公务车×××被私用。"
