"""Finding names nobody listed (casestudies.anonymization.names), through ``anonymize``."""

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from casestudies.anonymization import Person, anonymize
from casestudies.anonymization import tagger as name_model
from casestudies.anonymization.contexts import FOLLOWERS, POSTS
from casestudies.anonymization.places import SUFFIXES
from casestudies.anonymization.surnames import AMBIGUOUS, RARE, SINGLE
from tests.support.anonymizer import KEEP, found


@pytest.mark.parametrize(
    "text, names",
    [
        ("一、县第二中学副校长冯玉林：党内警告。", ["冯玉林"]),
        ("二、对城关街道办事处主任晁建新批评教育。", ["晁建新"]),
        ("三、河口乡文教卫生助理郗春梅为其外孙女操办满月宴。", ["郗春梅"]),
        ("工程股股长訾军未按要求开展现场核查。", ["訾军"]),
        ("前进村监委会主任苗青作表态发言。", ["苗青"]),
        ("同事熊伟曾对其进行提醒。", ["熊伟"]),
        ("联系人：单于娟，电话另行通知。", ["单于娟"]),
        ("县应急管理局副局长郜建设：诫勉谈话。", ["郜建设"]),
    ],
)
def test_a_post_run_into_a_name(text, names):
    """No mark between the post and the name; rare surnames; two-character names; where the
    name ends is read from the characters (苗青|作表态, 熊伟|曾对其)."""
    assert found(text) == names


def test_a_name_before_its_profession_or_post():
    text = "县司法局组织邝海燕律师、禹建平法官和庹小云检察官组成宣讲团。蔺芳镇长也参加了。"
    assert found(text) == ["邝海燕", "禹建平", "庹小云", "蔺芳"]


@pytest.mark.parametrize(
    "text, name",
    [
        ("他和镇长央金卓玛一起走遍全镇。", "央金卓玛"),
        ("镇党委副书记阿不都热合曼·买买提带领驻村工作队。", "阿不都热合曼·买买提"),
        ("镇长阿牛伍各介绍，全镇人均纯收入已超过8000元。", "阿牛伍各"),
        ("合作社负责人额尔敦朝鲁所送礼金2万元。", "额尔敦朝鲁"),
        ("哈那提·努尔兰乡长亲自授课。", "哈那提·努尔兰"),
    ],
)
def test_minority_names_beside_a_post(text, name):
    assert found(text) == [name]


def test_a_transliterated_name_keeps_its_first_character_and_has_no_forms_of_address():
    result = anonymize("镇长吉克阿依说，吉书记也来了。")
    assert result.text == "镇长吉某说，吉书记也来了。"


def test_lists_of_people():
    text = "村里成立了由冉桂兰、佘大勇等5名老党员组成的调解小组。村民张伟、刘芳、上官云等人反映。"
    assert found(text) == ["冉桂兰", "佘大勇", "张伟", "刘芳", "上官云"]


def test_a_name_after_a_town_in_a_list():
    text = "下列同志被评为优秀乡镇干部：城关镇牛红、古城镇邸建平、红庙乡米娜。"
    assert found(text) == ["牛红", "邸建平", "米娜"]


def test_a_name_is_a_candidate_wherever_the_text_writes_it():
    text = "西岭镇农经站站长笪红违规发放补贴问题。笪红受到党内警告处分。"
    result = anonymize(text)
    first, second = text.index("笪红"), text.rindex("笪红")
    assert [(c.start, c.text) for c in result.candidates] == [(first, "笪红"), (second, "笪红")]
    assert result.text == "西岭镇农经站站长笪某违规发放补贴问题。笪某受到党内警告处分。"


@pytest.mark.parametrize(
    "text, places",
    [
        ("全市农村人居环境整治行动在娘娘宫镇启动。", ["娘娘宫镇"]),
        (
            "来自高庄村、马家咀村、王家庄村的村民代表签订了承诺书。",
            ["高庄村", "马家咀村", "王家庄村"],
        ),
        ("与会人员先后观摩了高唐县、范县、单县、汤阴县的重点项目。", ["高唐县", "范县", "单县"]),
        ("范县陆集乡、辛庄镇、张庄乡的滩区群众搬进了新社区。", ["范县陆集乡", "辛庄镇", "张庄乡"]),
        ("洪洞县大槐树镇、甘亭镇、曲亭镇联合开展清河行动。", ["甘亭镇", "曲亭镇"]),
        ("沙马拉且任南箐镇党委书记后，带领群众种植花椒。", ["南箐镇"]),
        (
            "石咀镇党委书记带领群众转移，柳林咀、杨家咀一带河水暴涨。",
            ["石咀镇", "柳林咀", "杨家咀"],
        ),
    ],
)
def test_places_are_not_people(text, places):
    """The gazetteer, and the suffixes for places it does not know (娘娘宫镇 → not 宫镇)."""
    spans = [(text.index(place), text.index(place) + len(place)) for place in places]
    for candidate in anonymize(text, options=KEEP).candidates:
        assert not any(candidate.start < end and start < candidate.end for start, end in spans)


@pytest.mark.parametrize(
    "text",
    [
        "镇干部和群众一起疏通排水沟。",
        "湖东作业队号召全体职工向她学习。",
        "当事人曾多次拨打派出所值班电话。",
        "县安置科科长、管理科科长和全科医生参加会议。",
        "村民们说，老甄为人和善，办事公道。",
    ],
)
def test_function_characters_glued_to_a_word_make_no_name(text):
    assert found(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "她说，“保尔·柯察金”面对困难永不低头的精神深深打动了她。",
        "她讲述了“江姐”“许云峰”在狱中坚贞不屈的故事。",
        "鼓励年轻人向焦裕禄、孔繁森学习，弘扬雷锋精神。",
        "学生们表演了课本剧，扮演“包公”的学生赢得阵阵掌声。",
    ],
)
def test_figures_from_books_and_public_exemplars_are_not_people_of_the_case(text):
    assert found(text) == []


def test_every_candidate_says_why():
    text = "副校长冯玉林：党内警告。阿不都热合曼·买买提、李红梅等人在场。"
    candidates = anonymize(text).candidates
    assert [c.text for c in candidates] == ["冯玉林", "阿不都热合曼·买买提", "李红梅"]
    assert "副校长" in candidates[0].reason and "间隔号" in candidates[1].reason
    assert all(text[c.start : c.end] == c.text for c in candidates)


def test_a_listed_name_with_a_rare_surname_has_its_forms_of_address_replaced():
    result = anonymize("邴振华对排查部署不力。邴局长作出检讨，振华表示接受。", [Person("邴振华")])
    assert result.text == "邴某对排查部署不力。邴某局长作出检讨，邴某表示接受。"


def test_a_listed_given_name_inside_a_longer_word_stays():
    """The known false positive, fixed by rule: 国庆 of 吴国庆 is not replaced in 国庆节, though
    it is where it stands alone."""
    text = "2021年国庆节期间，吴国庆收受礼金。国庆说不知道，建设者邹建设也在场。"
    result = anonymize(text, [Person("吴国庆"), Person("邹建设")])
    assert result.text == "2021年国庆节期间，吴某收受礼金。吴某说不知道，建设者邹某也在场。"


# Property tests: each rule with two faces is tried on what nobody wrote down.

POSTS_BEFORE = ["副校长", "办事处主任", "文教卫生助理", "科员", "会计", "村民", "党委书记", "局长"]
ENDINGS = ["：党内警告。", "，受到批评教育。", "同志表示", "违规收受礼金", "受到诫勉谈话。"]
# Characters common in given names; none is a place suffix or a function word. Each is drawn for
# a place in the given name where it is common (建 first, 涛 last: a lone 建 may be missed).
GIVEN = [c for c in "建国志明海涛丽娟秀英伟军华玉兰春梅振宇晓东红霞永平德胜淑芬桂香立新文斌雪峰"]
GIVEN = [c for c in GIVEN if c not in FOLLOWERS and not any(c in s for s in SUFFIXES)]
FIRST = [c for c in GIVEN if name_model.given_name_odds(c, "M") >= 1.0]
LAST = [c for c in GIVEN if name_model.given_name_odds(c, "E") >= 1.0]
SURNAMES = sorted((SINGLE | RARE) - AMBIGUOUS)
PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(
    post=st.sampled_from(POSTS_BEFORE),
    surname=st.sampled_from(SURNAMES),
    given_name=st.one_of(
        st.sampled_from(LAST),
        st.tuples(st.sampled_from(FIRST), st.sampled_from(LAST)).map("".join),
    ),
    ending=st.sampled_from(ENDINGS),
)
def test_any_invented_name_after_a_post_is_found(post, surname, given_name, ending):
    name = surname + given_name
    # A name that is an ordinary word (王国, 方圆) is allowed to be missed.
    assume(name_model.frequency(name) < 20 and name_model.frequency(name[:2]) < 20)
    # A post that the surname lengthens into another post (会计 + 师 = 会计师) reads both ways.
    assume(post + surname not in POSTS)
    text = f"县纪委监委通报：{post}{name}{ending}"
    start = text.index(name, 8)
    spans = [(c.start, c.end) for c in anonymize(text, options=KEEP).candidates]
    assert (start, start + len(name)) in spans


def _places():
    from casestudies.anonymization.places import gazetteer

    return sorted(name for name, level in gazetteer().items() if level in ("county", "township"))


@PROPERTY
@given(
    place=st.sampled_from(_places()),
    post=st.sampled_from(["党委书记", "镇长", "副县长", "党工委书记", "乡长", "干部", "村民"]),
)
def test_any_gazetteer_place_followed_by_a_post_is_never_a_person(place, post):
    text = f"会上，{place}{post}作了发言。"
    start, end = 3, 3 + len(place)
    for candidate in anonymize(text, options=KEEP).candidates:
        assert not (candidate.start < end and start < candidate.end), candidate


@pytest.mark.parametrize(
    "person, text, expected",
    [
        (
            "张光明",
            "张光明始终光明磊落。他说前途一片光明。",
            "张某始终光明磊落。他说前途一片光明。",
        ),
        ("李兴旺", "李兴旺所在的村人丁兴旺、生意兴旺。", "李某所在的村人丁兴旺、生意兴旺。"),
        (
            "周振兴",
            "在乡村振兴会议上，周振兴要求把振兴产业放在首位。",
            "在乡村振兴会议上，周某要求把振兴产业放在首位。",
        ),
        (
            "林富强",
            "林富强写道：“富强、民主、文明、和谐。”",
            "林某写道：“富强、民主、文明、和谐。”",
        ),
        (
            "宋丰收",
            "中国农民丰收节当天，宋丰收家迎来丰收。",
            "中国农民丰收节当天，宋某家迎来丰收。",
        ),
    ],
)
def test_a_listed_given_name_used_as_an_ordinary_word_stays(person, text, expected):
    """By rule, as 国庆节: a given name that is itself a common word (光明, 兴旺, 振兴, 富强, 丰收)
    is the word where the text reads on as one (after a character of the same phrase, or in an
    enumeration of words)."""
    assert anonymize(text, [Person(person)]).text == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("同事们说：“光明把村里当成了家。”", "同事们说：“张某把村里当成了家。”"),
        ("有事找光明，心里踏实。", "有事找张某，心里踏实。"),
        ("光明同志说，要抓落实。", "张某同志说，要抓落实。"),
    ],
)
def test_the_same_given_name_standing_for_the_person_is_replaced(text, expected):
    assert anonymize(text, [Person("张光明")]).text == expected


@pytest.mark.parametrize(
    "text, names",
    [
        # The segmenter's model joined surname and one given character after a post.
        ("乡党政办主任时建违规使用公车。", ["时建"]),
        ("区城管局中队长柴进执法简单粗暴。", ["柴进"]),
        # Posts, ranks and professions beyond the first list; rare surnames (满, 占, 官).
        ("责令养护班长车永福作出书面检查。", ["车永福"]),
        ("村文书海来拉且虚报人口。", ["海来拉且"]),
        ("县粮食局副局长满宏亮接受宴请。", ["满宏亮"]),
        ("交警大队民警占勇违规插手事故处理。", ["占勇"]),
        ("侗族歌师吴培信正在教孩子们唱歌。", ["吴培信"]),
    ],
)
def test_more_posts_and_surnames(text, names):
    assert found(text) == names


@pytest.mark.parametrize(
    "text",
    [
        "村民高德顺告诉记者，宋家岗、徐家坪的乡亲都会来树下乘凉。",
        "其中，龙王坪、凤凰岗、黄龙洞景区接待量位居前三。",
        "邓家湾、桂花坪、杨柳庄等乡村旅游点也受到游客欢迎。",
        "现在白水河、营上、平寨都热闹起来了。",
    ],
)
def test_villages_and_landforms_are_no_names(text):
    """Places named after a family (宋家岗), ending in a landform (坪 岗 洞 洼 坳 …), or standing in
    a list beside places, are no names when only the tagger or the list proposes them."""
    names = found(text)
    assert not any(name[-1] in "坪岗洞河湾庄" or "家" in name for name in names), names


def test_a_landform_ending_is_still_a_name_right_after_a_post():
    assert found("村民李岗说，今年收成好。") == ["李岗"]


def test_a_unit_before_its_head_is_no_name():
    text = "街道办事处分管副主任汤丽君、安监站站长房勇未开展排查。"
    assert found(text) == ["汤丽君", "房勇"]


@pytest.mark.parametrize(
    "text, names",
    [
        ("镇长才让东智、副镇长尕藏扎西带领干部巡查。", ["才让东智", "尕藏扎西"]),
        ("牧民苏和巴特尔、孟和巴雅尔表示补贴已到账。", ["苏和巴特尔", "孟和巴雅尔"]),
        ("镶黄旗党委书记乌云其木格、苏木达阿拉腾走访牧民。", ["乌云其木格", "阿拉腾"]),
        ("萨迦县镇党委副书记旦增尼玛走访牧户。", ["旦增尼玛"]),
    ],
)
def test_tibetan_and_mongolian_names_made_of_parts(text, names):
    """Names built of the common parts of Tibetan and Mongolian names (才让 + 东智, 苏和 + 巴特尔),
    even where a part holds an ordinary character (和) or the dictionary knows the whole as a
    word (乌云其木格); a post in the list (苏木达) is no name."""
    assert found(text) == names


@pytest.mark.parametrize(
    "text, names",
    [
        ("王建华，男，汉族，1972年生，中共党员。", ["王建华"]),
        ("马海军（女，1980年出生）违规领取补贴。", ["马海军"]),
        ("给予罗国富党内警告处分；给予陈小燕政务记过处分。", ["罗国富", "陈小燕"]),
        ("经查，孟凡军受到党内严重警告处分，韦丽娜被给予政务警告处分。", ["孟凡军", "韦丽娜"]),
    ],
)
def test_a_name_before_the_persons_sex_or_handling(text, names):
    """Bulletins and profiles write a person of the case at the start of a clause (or after
    给予, 对) right before their sex or their handling, with no post."""
    assert found(text) == names


@pytest.mark.parametrize(
    "text",
    [
        "正如习近平总书记所强调的，要坚持严的主基调。毛泽东同志说过：“我们应当谦虚。”",
        "像雷锋同志那样做一颗螺丝钉。鲁迅先生说：“其实地上本没有路。”",
        "张无忌和令狐冲都是金庸笔下的人物。他记住了保尔·柯察金的话。",
    ],
)
def test_public_historical_and_literary_figures_are_no_persons_of_the_case(text):
    """A name the dictionary has seen often as a person's (毛泽东, 雷锋, 张无忌), one before a post
    only the country's leaders hold (…总书记), one half of a foreign name."""
    assert found(text) == []


def test_a_famous_name_after_a_post_or_in_a_list_of_names_is_a_person():
    text = "村民李娜说，局班子成员闵强、宁静未履行监督职责。"
    assert found(text) == ["李娜", "闵强", "宁静"]


def test_a_shorter_post_when_the_longer_leaves_no_name():
    assert found("县纪委监委通报：会计师明：党内警告。") == ["师明"]


def test_forms_of_address_inside_words_stay():
    text = "黄大山说，老黄牛精神值得学习；小金库问题必须整治。老黄也表了态。"
    result = anonymize(text, [Person("黄大山"), Person("金小红")])
    assert result.text == "黄某说，老黄牛精神值得学习；小金库问题必须整治。黄某也表了态。"


def test_a_given_name_that_is_a_word_after_a_word_taking_a_person_is_replaced():
    text = "书记找光明谈话，又和兴旺一起到村里查看。"
    result = anonymize(text, [Person("张光明"), Person("李兴旺")])
    assert result.text == "书记找张某谈话，又和李某一起到村里查看。"


def test_a_function_character_surname_before_a_name_like_word_after_a_post():
    """曾, 和, 向 glued to an ordinary word is no name (和群众, 曾多次); before a word that reads as
    a given name (红梅, 建军), after a post, it is a surname."""
    assert found("村民曾红梅反映，党员和群众都很满意。") == ["曾红梅"]
    assert found("干部曾多次到现场，和大家一起劳动。") == []
    assert found("镇长向建军和村民代表座谈。") == ["向建军"]


@pytest.mark.parametrize(
    "text, names",
    [
        (
            "对相关责任人王德明（时任镇党委书记）、李春华（时任镇长）进行问责。",
            ["王德明", "李春华"],
        ),
        ("1.赵立新，县水利局副局长；2.钱丽华，县水利局办公室主任。", ["赵立新", "钱丽华"]),
        ("时任镇党委书记的孙建国对此负有领导责任。", ["孙建国"]),
        ("姓名：周晓梅。收款人吴国庆通过银行转账收取好处费。", ["周晓梅", "吴国庆"]),
        ("王建华，男，汉族，1972年生，中共党员。", ["王建华"]),
    ],
)
def test_a_post_in_brackets_after_a_comma_or_held_before_the_name(text, names):
    """王某（时任镇长）, 王某，副局长；, 时任书记的王某, and the labels of forms (姓名, 收款人);
    never a name right after a number (1972年生)."""
    assert found(text) == names


def test_the_parts_of_a_listed_dotted_name_and_more_titles_are_replaced():
    text = "阿依古丽·艾买提说，阿依古丽每周都去牧区。王师傅和王大姐也来了。"
    persons = [Person("阿依古丽·艾买提", "minority"), Person("王建国")]
    assert anonymize(text, persons).text == "阿某说，阿某每周都去牧区。王某师傅和王某大姐也来了。"


def test_dai_and_korean_surnames_after_a_post():
    text = "镇党委书记岩温、镇长玉香走访。镇党委副书记刀建华、街道党工委书记朴成哲参加。"
    assert found(text) == ["岩温", "玉香", "刀建华", "朴成哲"]


def test_exemplars_held_up_to_others_are_no_persons_of_the_case():
    """向某某同志学习, 像某某那样, 某某同志的奉献精神: public exemplars, even ones the dictionary
    does not know; a person after a post stays one (村民张德福的事迹)."""
    text = (
        "要向黄文秀同志学习，像廖俊波那样做公仆，弘扬杨善洲同志的奉献精神。村民张德福的事迹传开了。"
    )
    assert found(text) == ["张德福"]
