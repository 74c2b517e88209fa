"""The publication gate cannot be walked around with characters a reader does not see.

Each form below passed the gate before it folded text (``jingjian.core.chinese.fold``): names
split by invisible characters, numbers written with separators, other digit scripts or Chinese
numerals, and addresses with a space in them. Each is published the way the admin does it and
must stay unpublished.
"""

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from casestudies.drafts import generate_draft
from casestudies.gate import AnonymizationGateError
from casestudies.models import CandidateDecision, CaseStudyPage
from casestudies.publication import check_page
from tests.casestudies.test_case_files import RAW_ACCOUNT, make_case_file
from tests.factories import CaseStudyPageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private-media"


@pytest.fixture
def case_file(db):
    case_file = make_case_file(raw_account=RAW_ACCOUNT + "办公室电话0571-87654321。")
    CandidateDecision.objects.create(case_file=case_file, text="张志强", decision="accepted")
    return case_file


@pytest.fixture
def draft(case_file, discipline_user):
    """A generated draft that passes the gate."""
    page, _ = generate_draft(case_file, user=discipline_user)
    page = CaseStudyPage.objects.get(pk=page.pk)
    assert check_page(page.get_latest_revision_as_object()) == []
    return page


# (what the summary says, what the gate must name)
HIDDEN_NAMES = [
    ("王\u200b建国推诿扯皮。", "王建国"),  # zero-width space
    ("王\u00ad建国推诿扯皮。", "王建国"),  # soft hyphen
    ("王\u200c建国推诿扯皮。", "王建国"),  # zero-width non-joiner
    ("王\ufe0f建国推诿扯皮。", "王建国"),  # variation selector
    ("王\U000e0101建国推诿扯皮。", "王建国"),  # ideographic variation selector
    ("王建\u0301国推诿扯皮。", "王建国"),  # combining mark
    ("李\u2060秀\u200d英经营茶楼。", "李秀英"),  # word joiner, zero-width joiner
    ("鉴湖区住房和城乡\u200b建设局推诿扯皮。", "鉴湖区住房和城乡建设局"),
    ("张\u200b志强联系王某。", "张志强"),  # a name the reviewer confirmed
]

HIDDEN_NUMBERS = [
    ("身份证号330102-1980-0101-1234。", "330102198001011234"),
    ("身份证号330102 19800101 1234。", "330102198001011234"),
    ("身份证号3301021980\u200b01011234。", "330102198001011234"),
    ("身份证号３３０１０２．１９８００１０１．１２３４。", "330102198001011234"),
    ("手机一三八一二三四五六七八。", "13812345678"),
    ("手机幺三八 一二三四 五六七八。", "13812345678"),
    ("手机壹叁捌-壹贰叁肆-伍陆柒捌。", "13812345678"),
    ("手机一三九〇〇〇〇一一一一。", "13900001111"),  # not in the case file: any mobile
    ("手机١٣٨١٢٣٤٥٦٧٨。", "13812345678"),  # Arabic-Indic digits
    ("手机१३८१२३४५६७८。", "13812345678"),  # Devanagari digits
    ("手机138.1234.5678。", "13812345678"),
    ("手机138\u200b1234\u200b5678。", "13812345678"),
    ("卡号6222.0212.3456.7890。", "6222021234567890"),
    ("办公室电话0571 8765 4321。", "057187654321"),  # a landline of the case file
]

HIDDEN_ADDRESSES = [
    ("李某在解放路18 号经营茶楼。", "解放路18号"),
    ("李某在解放路 18 号经营茶楼。", "解放路18号"),
    ("李某在解放路\u200b18号经营茶楼。", "解放路18号"),
]


def _refused(page, summary):
    draft = page.get_latest_revision_as_object()
    draft.summary = summary
    revision = draft.save_revision()
    with pytest.raises(AnonymizationGateError) as raised:
        revision.publish()
    assert not CaseStudyPage.objects.get(pk=page.pk).live
    return raised.value.problems


@pytest.mark.parametrize("summary, name", HIDDEN_NAMES)
def test_a_name_split_by_invisible_characters_is_refused(draft, summary, name):
    problems = _refused(draft, summary)
    assert name in {p.text for p in problems}
    # The page's own characters are quoted, invisible ones included, and the invisible
    # character is a problem of its own.
    assert any(p.found != p.text and p.location == "一句话简介" for p in problems)
    assert any(p.reason.startswith("不可见字符") for p in problems)


@pytest.mark.parametrize("summary, number", HIDDEN_NUMBERS)
def test_a_number_written_another_way_is_refused(draft, summary, number):
    problems = _refused(draft, summary)
    assert number in {p.text.replace("-", "") for p in problems}, problems


@pytest.mark.parametrize("summary, address", HIDDEN_ADDRESSES)
def test_an_address_with_a_space_is_refused(draft, summary, address):
    problems = _refused(draft, summary)
    assert address in {p.text for p in problems}, problems


def test_an_invisible_character_is_refused_on_any_case_study():
    page = CaseStudyPageFactory(live=False, summary="某局原副局长王某\u200b推诿扯皮。")
    with pytest.raises(AnonymizationGateError) as raised:
        page.save_revision().publish()
    assert str(raised.value) == (
        "脱敏检查未通过，不能发布或进入终审：“一句话简介”“原副局长王某”之后有不可见字符"
        "（零宽空格 U+200B），请删除该处的不可见字符。请修改上述内容；如有疑问，请联系纪检监察室。"
    )
    assert not CaseStudyPage.objects.get(pk=page.pk).live


@pytest.mark.parametrize(
    "summary, said",
    [
        ("某局原副局长王某丨推诿扯皮。", "异常字符（形似笔画或符号的“丨” U+4E28）"),
        ("某局原副局长王某\u2f08推诿扯皮。", "异常字符（部首字符“⼈” U+2F08）"),
        ("某局原副局长王某\ue000推诿扯皮。", "异常字符（私用区字符 U+E000）"),
    ],
)
def test_a_look_alike_or_private_use_character_is_refused_on_any_case_study(summary, said):
    page = CaseStudyPageFactory(live=False, summary=summary)
    with pytest.raises(AnonymizationGateError) as raised:
        page.save_revision().publish()
    assert f"“一句话简介”“原副局长王某”之后有{said}，请删除该字符或改用常用的汉字和标点" in str(
        raised.value
    )
    assert not CaseStudyPage.objects.get(pk=page.pk).live


def test_the_editor_refuses_a_hidden_name_and_quotes_the_page(client, draft, superuser):
    client.force_login(superuser)
    page = draft.get_latest_revision_as_object()
    data = nested_form_data(
        {
            "title": page.title,
            "slug": page.slug,
            "seo_title": "",
            "search_description": "",
            "subject": page.subject,
            "summary": page.summary,
            "unit_type": str(page.unit_type_id),
            "source": page.source,
            "date_handled": page.date_handled.isoformat(),
            "facts": streamfield([("paragraph", rich_text("<p>王\u200b建國收受购物卡。</p>"))]),
            "handlings": inline_formset(
                [{"pseudonym": "王某", "post": "某局原副局长", "discipline_form": "2"}]
            ),
            "lessons": page.lessons,
            "comments": inline_formset([]),
            "action-publish": "action-publish",
        }
    )
    response = client.post(reverse("wagtailadmin_pages:edit", args=[draft.pk]), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "“王\u200b建國”（即“王建国”，案卷人员姓名）出现在“基本案情第1段”" in html
    assert "“基本案情第1段”“王”之后有不可见字符（零宽空格 U+200B），请删除该处的不可见字符" in html
    assert not CaseStudyPage.objects.get(pk=draft.pk).live


# --- no false refusals ---------------------------------------------------------------------------

ORDINARY = [
    "三年来，该局第一次开展专项整治。",
    "二〇二三年三月至二〇二四年五月，某局原副局长王某推诿扯皮。",
    "2019.05.01-2021.03.31期间，王某多次违规。",
    "1998.1-2003.12在某乡镇工作，2003.12-2010.6任某局科员。",
    "涉及资金 1 200 000 元，共 3 人受到处理。",
    "欢迎拨打举报电话0571-12388123反映问题。",
    "一是提高认识，二是压实责任，三是健全制度。",
    "第十八条、第二十一条规定了处分的种类。",
    "Café 与 naïve 中的字母带有附加符号。",
]


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_prose_with_numbers_passes(draft, text):
    page = draft.get_latest_revision_as_object()
    page.lessons = text
    assert check_page(page) == []
    page.save_revision().publish()
    assert CaseStudyPage.objects.get(pk=draft.pk).live


# --- marks a reader sees but skips, variant characters, numbers and handles in other dress ------
# (each passed the gate before it compared the case file's strings on the page's skeleton)


@pytest.fixture
def fuller_case_file(case_file):
    """The case file, with a minority witness and another witness, a WeChat handle and a bank
    card in its account."""
    from casestudies.models import CaseFilePerson

    case_file.raw_account += "其微信号fangjm_2019与银行卡6222021234567890123均用于收款。"
    case_file.save()
    CaseFilePerson.objects.create(
        case_file=case_file, name="阿依古丽·买买提", name_kind="minority", role="witness"
    )
    CaseFilePerson.objects.create(case_file=case_file, name="陈晓明", role="witness")
    return case_file


@pytest.fixture
def fuller_draft(fuller_case_file, discipline_user):
    page, _ = generate_draft(fuller_case_file, user=discipline_user)
    page = CaseStudyPage.objects.get(pk=page.pk)
    assert check_page(page.get_latest_revision_as_object()) == []
    return page


DRESSED_UP = [
    ("王建·国推诿扯皮。", "王建国"),
    ("王建/国推诿扯皮。", "王建国"),
    ("王、建国推诿扯皮。", "建国"),  # a list mark ends a word; the given name is still found
    ("李秀_英经营茶楼。", "李秀英"),
    ("李秀＊英经营茶楼。", "李秀英"),
    ("王建\u2800国推诿扯皮。", "王建国"),  # Braille blank
    ("建·国联系企业。", "建国"),  # the given name alone, split
    ("鉴湖区·住房和城乡建设局推诿扯皮。", "鉴湖区住房和城乡建设局"),
    ("⺩建国推诿扯皮。", "王建国"),  # a radical for the character
    ("王建囯推诿扯皮。", "王建国"),  # a variant form
    ("阿依古丽・买买提知情。", "阿依古丽·买买提"),  # katakana middle dot
    ("阿依古丽•买买提知情。", "阿依古丽·买买提"),
    ("阿依古丽.买买提知情。", "阿依古丽·买买提"),
    ("阿依古丽买买提知情。", "阿依古丽·买买提"),
    ("阿依古丽知情。", "阿依古丽"),
    ("证人买买提知情。", "买买提"),
    ("手机138/1234/5678。", "13812345678"),
    ("手机(138)1234-5678。", "13812345678"),
    ("手机138*1234*5678。", "13812345678"),
    ("卡号6222/0212/3456/7890/123。", "6222021234567890123"),
    ("李某在解放路一八号经营茶楼。", "解放路18号"),
    ("李某在解放路十八号经营茶楼。", "解放路18号"),
    ("李某在解放路壹捌号经营茶楼。", "解放路18号"),
    ("李某在解放路第18号经营茶楼。", "解放路18号"),
    ("李某在解放路18#经营茶楼。", "解放路18号"),
    ("李某在解放路·18号经营茶楼。", "解放路18号"),
    ("李某在解放路18/号经营茶楼。", "解放路18号"),
    ("微信号fang·jm_2019。", "fangjm_2019"),
    ("联系方式：fangjm_2019。", "fangjm_2019"),
    ("V信fangjm_2019。", "fangjm_2019"),
    # A second attacker's review: longer runs of marks, look-alike letters, private use,
    # numbers grouped or split other ways, pinyin, variants OpenCC does not fold, NO.
    ("王建……国推诿扯皮。", "王建国"),
    ("微信号fangjm____2019。", "fangjm_2019"),
    ("王建ー国推诿扯皮。", "王建国"),  # katakana prolonged sound mark
    ("王建々国推诿扯皮。", "王建国"),  # iteration mark
    ("王建丶国推诿扯皮。", "王建国"),  # the dot stroke
    ("王建丨国推诿扯皮。", "王建国"),  # the line stroke
    ("王建\u2f00国推诿扯皮。", "王建国"),  # Kangxi radical one
    ("王建\ue000国推诿扯皮。", "王建国"),  # private use
    ("手机13,812,345,678。", "13812345678"),
    ("手机138~1234~5678。", "13812345678"),
    ("手机138+1234+5678。", "13812345678"),
    ("手机138:1234:5678。", "13812345678"),
    ("手机138#1234#5678。", "13812345678"),
    ("手机138\\1234\\5678。", "13812345678"),
    ("手机138转1234转5678。", "13812345678"),
    ("Wang Jianguo推诿扯皮。", "wangjianguo"),
    ("WANG JIANGUO推诿扯皮。", "wangjianguo"),
    ("Wáng Jiànguó推诿扯皮。", "wangjianguo"),
    ("王Jianguo推诿扯皮。", "王jianguo"),
    ("Wang建国推诿扯皮。", "wang建国"),
    ("Jianguo Wang推诿扯皮。", "jianguowang"),
    ("jianguo联系企业。", "jianguo"),
    ("Zhang Zhiqiang联系王某。", "zhangzhiqiang"),  # a name the reviewer confirmed
    ("李某在解放路NO.18经营茶楼。", "解放路18号"),
    ("李某在解放路No.18号经营茶楼。", "解放路18号"),
    ("证人陈晓眀知情。", "陈晓明"),  # variants OpenCC leaves as they are
    ("证人陈晓朙知情。", "陈晓明"),
]


@pytest.mark.parametrize("summary, string", DRESSED_UP)
def test_a_string_of_the_case_file_in_other_dress_is_refused(fuller_draft, summary, string):
    problems = _refused(fuller_draft, summary)
    texts = {p.text.replace("-", "") for p in problems}
    # The string itself, or the case file's longer string around it (微信号fangjm_2019).
    assert any(string in text for text in texts), problems


@pytest.mark.parametrize(
    "summary",
    [
        "王某推诿扯皮，建设局未予纠正。",  # 王 and 建 on either side of a comma, no name
        "2019年、2020年、2021年共查处问题13起。",
        "涉案金额13,857,120,631元。",  # a number grouped by thousands is no phone number
        "王某……建设局长期拖延。",  # an ellipsis and a sentence-free run join no name here
        "会议于10:30开始，11:45结束，历时75分钟。",
        "投入资金300~500万元，惠及群众1200余户。",
        "Wang先生是外资企业代表，Hua女士是记者。",  # pinyin, but not the case file's names
        "该局在“Jianguo Road”项目中违规招标。",
        "群众来信反映：建立健全国有资产管理制度。",
        "王某于2019/05/01起任职。",
        "2018、2019、2020、2021年连续四年获评先进单位。",
        "分别在2018/2019/2020/2021/2022年度考核中获评优秀。",
        "先后处置问题线索621、220、123、456、789、012条。",
        "分别为3301、0219、8001、0112、34户。",
        "该项目今年三月开建，国庆前竣工。",  # 建，国: a sentence mark is no split name
        "请各位党员同志，秀出担当。",
    ],
)
def test_ordinary_prose_still_passes(fuller_draft, summary):
    draft = fuller_draft.get_latest_revision_as_object()
    draft.summary = summary
    assert check_page(draft) == [], summary
