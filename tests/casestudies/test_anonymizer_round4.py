"""The anonymizer's rules of the fourth round of issue 16 (§1), one test per rule."""

import pytest

from casestudies.anonymization import anonymize
from tests.support.anonymizer import found, rules


@pytest.mark.parametrize(
    "text, number",
    [
        ("手机：159　575　80123。", "159　575　80123"),
        ("联系方式:186　5851　2290，请于工作日联系。", "186　5851　2290"),
        ("电话：+86　138　575　42163。", "+86　138　575　42163"),
    ],
)
def test_mobiles_grouped_with_ideographic_spaces(text, number):
    assert rules(text) == [(number, "mobile")]


def test_english_words_after_weixin_are_no_ids():
    assert rules("该公司将微信AppSecret、QQ登录密钥等明文写在代码中。") == []
    assert rules("他通过微信Pay向对方转账。") == []
    # …while an id after 微信 holds a digit, an underscore or a hyphen, or follows 号 or a colon.
    assert rules("加微信wxid_abc123联系。") == [("微信wxid_abc123", "wechat")]
    assert rules("微信：zhangsan。") == [("微信：zhangsan", "wechat")]


def test_labels_of_minutes_and_names_apart_with_spaces():
    text = "出席：廖明 邹丽 熊国庆 金春花\n列席：陶建新\n缺席：谭卫国（请假）"
    assert found(text) == ["廖明", "邹丽", "熊国庆", "金春花", "陶建新", "谭卫国"]
    assert found("参会人员：次仁旺堆、央金卓玛、达瓦") == ["次仁旺堆", "央金卓玛", "达瓦"]
    # …a label is one only before its colon.
    assert found("列席会议的还有各村党支部书记。") == []


@pytest.mark.parametrize(
    "text, names",
    [
        ("区纪委监委约谈了孟凡军，责令其限期整改。", ["孟凡军"]),
        ("工作组询问了祁红艳和赖建明，两人均承认了违规事实。", ["祁红艳", "赖建明"]),
        ("督促洪志远尽快退还多领的补助。", ["洪志远"]),
        ("项目资金由蒋文涛审批，经邵立华签字后拨付。", ["蒋文涛", "邵立华"]),
        ("该笔款项被吴志坚挪作他用。", ["吴志坚"]),
        ("村支书把补偿款交给孙立军保管。", ["孙立军"]),
        ("他跟韦德明多次在农家乐聚餐。", ["韦德明"]),
        ("镇长同薛平商量后作出决定。", ["薛平"]),
    ],
)
def test_a_name_after_a_verb_or_preposition_that_takes_a_person(text, names):
    assert found(text) == names


@pytest.mark.parametrize(
    "text",
    [
        "由于工作失误，给国家造成损失。",
        "对照问题清单逐项整改到位。",
        "对党忠诚，为民服务，是党员的本分。",
        "要求各单位把关口前移，把问题解决在萌芽状态。",
        "被查处的问题中，违规吃喝占比最高。",
        "和平村党支部与高新区管委会签订共建协议。",
        "由县委书记任组长，县长任副组长。",
        "向社会公开征集问题线索，让群众监督权力运行。",
    ],
)
def test_no_name_where_the_character_is_part_of_a_word_or_the_object_is_no_name(text):
    assert found(text) == []


def test_a_function_surname_before_another_surname_takes_the_person():
    assert found("村民向覃玉凤反映了低保评定中的问题。") == ["覃玉凤"]


@pytest.mark.parametrize(
    "text, name",
    [
        ("经督促，高玉兰于4月2日主动向组织交代问题。", "高玉兰"),
        ("2021年，黎明辉让其妻子以他人名义入股。", "黎明辉"),
        ("经查，魏国峰利用职务便利为他人谋取利益。", "魏国峰"),
        ("喻志刚于2019年至2022年间多次收受红包。", "喻志刚"),
    ],
)
def test_a_three_character_name_opening_a_clause(text, name):
    assert found(text) == [name]


def test_the_items_of_a_list_before_a_count_of_people():
    text = "对负有责任的熊伟、易建华、柴小龙、项文、褚明辉等5名干部分别进行了问责。"
    assert found(text) == ["熊伟", "易建华", "柴小龙", "项文", "褚明辉"]
    # …but a list beside a public figure is still of figures.
    assert found("村支书李明说，要向孔繁森、沈浩同志学习。") == ["李明"]


@pytest.mark.parametrize(
    "text",
    [
        "贺中秋，迎国庆，社区举办了文艺汇演。",
        "贺新春、庆元宵系列活动圆满结束。",
        "端午节前夕，镇纪委对公务用车使用情况进行了检查。",
        "金秋时节，万亩稻田一片金黄，高峰时每天有上百台收割机作业。",
    ],
)
def test_festivals_and_dates_are_no_names(text):
    assert found(text) == []


def test_a_festival_given_name_is_a_person_where_the_text_says_so():
    assert found("江立春说，今年的春耕比往年早。") == ["江立春"]
    assert found("社区主任贺中秋说，今年中秋节前要走访困难户。") == ["贺中秋"]


@pytest.mark.parametrize(
    "text, names",
    [
        ("扶贫干部阮红霞把艾青的诗句抄在驻村日记里。", ["阮红霞"]),
        ("读书会上，辛志强朗诵了艾青的《我爱这土地》。", ["辛志强"]),
        ("社区书记武丽霞说：“我最敬佩的人是张桂梅。”", ["武丽霞"]),
        ("镇纪委书记方志勇在党课上讲了海瑞和包拯的故事。", ["方志勇"]),
    ],
)
def test_writers_and_admired_figures_are_no_persons_of_the_case(text, names):
    assert found(text) == names


def test_yi_names_after_a_post():
    text = "乡纪委书记阿说木呷，村党支部书记沙马拉且，分别受到批评教育。"
    assert found(text) == ["阿说木呷", "沙马拉且"]
    # …and a name sound is no verb of saying (吉克阿依说).
    assert anonymize("镇长吉克阿依说，吉书记也来了。").text == "镇长吉某说，吉书记也来了。"


@pytest.mark.parametrize(
    "text, number",
    [
        ("电话：138/5754/2163。", "138/5754/2163"),
        ("电话138,5754,2163。", "138,5754,2163"),
        ("电话1385754****。", "1385754****"),
        ("电话 1 3 8 5 7 5 4 2 1 6 3。", "1 3 8 5 7 5 4 2 1 6 3"),
    ],
)
def test_mobiles_with_slashes_commas_a_masked_tail_or_digit_by_digit(text, number):
    assert rules(text) == [(number, "mobile")]


def test_amounts_and_dates_stay_beside_the_new_mobile_shapes():
    assert rules("金额为13,857,542,163元，日期2023/05/01，编号1 2 3 4 5。") == []


def test_plates_of_the_armed_police_and_new_energy_plates():
    assert rules("WJ浙12345车辆") == [("WJ浙12345", "licence_plate")]
    assert rules("苏E·D12345和川A·12345D") == [
        ("苏E·D12345", "licence_plate"),
        ("川A·12345D", "licence_plate"),
    ]


def test_a_list_of_people_introduced_as_those_present():
    text = "参加会议的有：多吉次旦、白玛央宗、扎西平措、德吉卓嘎。"
    assert found(text) == ["多吉次旦", "白玛央宗", "扎西平措", "德吉卓嘎"]


@pytest.mark.parametrize(
    "text",
    [
        "他引用了郑板桥的“衙斋卧听萧萧竹，疑是民间疾苦声”。",
        "他最喜欢的作家是路遥，最喜欢的诗人是海子。",
    ],
)
def test_words_quoted_from_a_writer_hold_no_persons(text):
    assert found(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "全国道德模范张桂梅老师说，教育是最好的扶贫。",
        "全国优秀县委书记廖俊波同志的事迹在全县引起强烈反响。",
        "英雄杜富国说：“你退后，让我来。”",
        "致敬杜富国！致敬最可爱的人！",
        "要向黄大年、南仁东、钟扬等同志学习。",
        "她把屠呦呦、樊锦诗当作人生的榜样。",
        "他常给孩子们讲孔乙己和闰土的故事。",
    ],
)
def test_honoured_and_exemplary_figures_are_no_persons_of_the_case(text):
    assert found(text) == []


def test_a_word_of_time_alone_is_no_name():
    assert found("和谷雨一起到来的还有降温。") == []
    assert found("贺周末文艺汇演圆满落幕。") == []


def test_a_name_after_find_or_through():
    assert found("他找到谢军，要求其帮忙。") == ["谢军"]
    assert found("他通过朋友找到老板，又找人帮忙，通过审核后伙同他人作案。") == []


def test_the_first_item_of_a_list_after_the_words_of_a_handling():
    text = "依据有关规定，给予俞建华、包立平党内严重警告处分。"
    assert found(text) == ["俞建华", "包立平"]
