"""Renditions per channel kind: golden files from fixed pages, and every outlet's limits.

Regenerate the golden files after an intended change with
``UPDATE_GOLDEN=1 .venv/bin/pytest tests/syndication -q -p no:randomly`` and review the diff.
"""

import datetime
import hashlib
import hmac
import io
import json
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import factory
import pytest
import wagtail_factories
from docx import Document
from wagtail.models import Collection

from jingjian.syndication import channels, clients, reading, renderers
from jingjian.syndication.models import Channel, ChannelKind
from tests.factories import (
    CaseStudyPageFactory,
    ExemplarPageFactory,
    HandlingFactory,
    HonourFactory,
)

pytestmark = pytest.mark.django_db

GOLDEN = Path(__file__).parent / "golden"
PUBLIC = "https://jingjian.example.gov.cn"
PUBLISHED = datetime.datetime(2024, 6, 28, 9, 0, tzinfo=datetime.UTC)


class ImageFactory(wagtail_factories.ImageFactory):
    file = factory.django.ImageField(
        filename="golden.png", format="PNG", width=64, height=48, color="#b22222"
    )


class ChannelFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"渠道{n}")
    slug = factory.Sequence(lambda n: f"channel-{n}")
    kind = ChannelKind.WECHAT
    author = "鉴湖区融媒体中心"
    secret = "webhook-secret"

    class Meta:
        model = Channel


@pytest.fixture(autouse=True)
def public_base_url(settings):
    settings.PUBLIC_BASE_URL = PUBLIC


def image_block(image, alt):
    return {"type": "image", "value": {"image": image.pk, "alt_text": alt, "decorative": False}}


def paragraph(html):
    return {"type": "paragraph", "value": html}


@pytest.fixture
def exemplar():
    """A fixed exemplar with every kind of block, a portrait, a citation and honours."""
    field_photo = ImageFactory(title="周立军工作照")
    page = ExemplarPageFactory(
        title="扎根山村二十年的“泥腿子书记”——记石桥镇上坝村党支部书记周立军",
        seo_title="“泥腿子书记”周立军:扎根山村二十年",
        slug="golden-exemplar",
        name="周立军",
        gender="male",
        birth_year=1968,
        birth_month=3,
        unit="鉴湖区石桥镇上坝村党支部",
        post="石桥镇上坝村党支部书记",
        summary="周立军任上坝村党支部书记二十年，带领村民修路引水、发展茶叶产业，村集体经济年收入从零增至80余万元。",
        citation="二十年扎根山村，三十一本民情日记记下百姓冷暖。他用脚步丈量民情，用实干诠释初心。",
        portrait=ImageFactory(title="周立军照片"),
        first_published_at=PUBLISHED,
        last_published_at=PUBLISHED,
        deeds=[
            paragraph(
                "<p>周立军，男，汉族，中共党员，1968年3月生，<b>1999年</b>起任上坝村党支部书记。</p>"
            ),
            image_block(field_photo, "周立军在茶园查看春茶长势"),
            {"type": "heading", "value": "一本“民情账”记了二十年"},
            paragraph(
                "<p>他坚持每周走访农户，二十年来记满了31本民情日记，"
                '详见<a href="https://example.com/diary">民情日记专题</a>。</p>'
                "<p>全村茶园面积发展到1200亩，入社农户增收30%，硬化道路9.6km（PPP）。</p>"
            ),
            paragraph("<ul><li>建成集中供水工程2处</li><li>完成危房改造27户</li></ul>"),
            {
                "type": "quote",
                "value": {
                    "text": "“群众的事要一件一件办到底。”",
                    "attribution": "周立军",
                },
            },
            {"type": "video", "value": "https://v.qq.com/x/page/golden.html"},
        ],
    )
    HonourFactory(page=page, title="明州市优秀共产党员", awarding_body="中共明州市委", year=2018)
    HonourFactory(page=page, title="鉴湖区脱贫攻坚先进个人", awarding_body="", year=2019)
    return page


@pytest.fixture
def case():
    page = CaseStudyPageFactory(
        title="区某局原副局长王某在招商引资项目审批中推诿扯皮问题",
        slug="golden-case",
        summary="王某在项目审批中多次要求企业补充无关材料，致使审批严重超时，受到党内严重警告处分。",
        first_published_at=PUBLISHED,
        last_published_at=PUBLISHED,
        lessons="审批服务是营商环境的“试金石”。\n各级干部要主动担当、限时办结。",
        facts=[
            paragraph(
                "<p>2018年4月至10月，王某先后4次要求企业补充无关材料。</p>"
                "<p>2019年1月，王某受到党内严重警告处分。</p>"
            ),
            image_block(ImageFactory(title="警示教育会现场"), "警示教育会现场"),
        ],
    )
    HandlingFactory(page=page)
    return page


def channel(kind, **kwargs):
    return ChannelFactory(kind=kind, **kwargs)


def assert_golden(name, text):
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return
    assert path.exists(), f"{name} is missing: run the tests once with UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8"), f"{name} differs from its golden file"


def docx_text(data):
    return "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs) + "\n"


def fake_upload(image):
    return f"https://mmbiz.qpic.cn/mmbiz_png/{image.title}/0"


def normalized_json(body):
    """The payload with database ids, block UUIDs and stored file names made stable: each id
    becomes a name numbered in order of appearance within its kind (page, image, honour...)."""
    data = json.loads(body)
    names = {}

    def name(kind, value):
        numbered = names.setdefault(kind, {})
        return numbered.setdefault(value, f"<{kind}{len(numbered) + 1}>")

    def kind_of(record):
        label = record.get("meta", {}).get("type", "block")
        return "page" if label.endswith("Page") else label.rsplit(".", 1)[-1].lower()

    def walk(value):
        if isinstance(value, dict):
            out = {}
            for key, item in value.items():
                if key == "id":
                    out[key] = name(kind_of(value), item)
                elif key == "image" and isinstance(item, int):
                    out[key] = name("image", item)
                else:
                    out[key] = walk(item)
            return out
        if isinstance(value, list):
            return [walk(item) for item in value]
        if isinstance(value, str):
            value = re.sub(
                r"/(page|image)s/(\d+)/", lambda m: f"/{m[1]}s/{name(m[1], int(m[2]))}/", value
            )
            return re.sub(r"original_images/\S+", "original_images/<file>", value)
        return value

    return json.dumps(walk(data), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


# --- Golden files -------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["exemplar", "case"])
def test_broadcast_script_matches_golden(kind, request):
    page = request.getfixturevalue(kind)
    script = channels.broadcast.render(page, channel(ChannelKind.TV))
    assert_golden(f"{kind}.broadcast.txt", channels.broadcast.text_file(script).decode("utf-8"))
    assert_golden(f"{kind}.broadcast.docx.txt", docx_text(channels.broadcast.word_file(script)))


@pytest.mark.parametrize("kind", ["exemplar", "case"])
def test_manuscript_matches_golden(kind, request):
    page = request.getfixturevalue(kind)
    manuscript = channels.manuscript.render(page, channel(ChannelKind.NEWSPAPER))
    assert manuscript.problems == []
    assert_golden(
        f"{kind}.manuscript.docx.txt", docx_text(channels.manuscript.word_file(manuscript))
    )


@pytest.mark.parametrize("kind", ["exemplar", "case"])
def test_wechat_article_matches_golden(kind, request):
    page = request.getfixturevalue(kind)
    article = channels.wechat.render(page, channel(ChannelKind.WECHAT), upload=fake_upload)
    assert_golden(f"{kind}.wechat.html", article.content + "\n")
    assert article.content_source_url == f"{PUBLIC}{page.url}"
    assert article.author == "鉴湖区融媒体中心"
    assert article.digest == page.summary


@pytest.mark.parametrize("kind", ["exemplar", "case"])
def test_weibo_post_matches_golden(kind, request):
    page = request.getfixturevalue(kind)
    post = channels.weibo.render(page, channel(ChannelKind.WEIBO))
    assert post.problems == []
    assert_golden(f"{kind}.weibo.txt", post.text + "\n")


@pytest.mark.parametrize("kind", ["exemplar", "case"])
def test_json_payload_matches_golden(kind, request):
    page = request.getfixturevalue(kind)
    payload = channels.webhook.render(
        page, channel(ChannelKind.WEBHOOK), "published", "golden-key", "s3cret"
    )
    assert_golden(f"{kind}.published.json", normalized_json(payload.body))


def test_unpublished_json_carries_only_the_identity(exemplar):
    payload = channels.webhook.render(
        exemplar, channel(ChannelKind.APP), "unpublished", "golden-key", "s3cret"
    )
    assert json.loads(payload.body) == {
        "id": exemplar.pk,
        "event": "unpublished",
        "idempotency_key": "golden-key",
        "meta": {"type": "exemplars.ExemplarPage"},
    }


# --- Broadcast ----------------------------------------------------------------------------


def test_broadcast_is_plain_speakable_text(exemplar):
    script = channels.broadcast.render(exemplar, channel(ChannelKind.RADIO))
    assert script.text.startswith("扎根山村二十年的“泥腿子书记”，记石桥镇")
    for absent in ["<", "http", "example.com", "PPP", "周立军工作照", "一本“民情账”"]:
        assert absent not in script.text
    for spoken in ["百分之30", "9.6公里", "1200亩", "周立军说：“群众的事", "颁奖词："]:
        assert spoken in script.text
    assert script.characters == sum(1 for c in script.text if not c.isspace())


def test_broadcast_duration_at_250_characters_a_minute():
    page = ExemplarPageFactory(
        title="甲" * 10,
        summary="乙" * 90,
        citation="",
        deeds=[paragraph("<p>" + "丙" * 400 + "</p>")],
    )
    script = channels.broadcast.render(page, channel(ChannelKind.TV, max_duration_seconds=180))
    assert script.characters == 500
    assert script.seconds == 120  # 500 characters at 250 a minute
    assert script.problems == []
    assert "时长：约 2 分 0 秒" in channels.broadcast.text_file(script).decode()

    page.deeds = [paragraph("<p>" + "丙" * 401 + "</p>")]
    assert channels.broadcast.render(page, channel(ChannelKind.TV)).seconds == 121  # rounds up


def test_broadcast_over_the_channel_limit_is_a_problem():
    page = ExemplarPageFactory(
        title="甲" * 10,
        summary="乙" * 90,
        citation="",
        deeds=[paragraph("<p>" + "丙" * 650 + "</p>")],
    )
    script = channels.broadcast.render(page, channel(ChannelKind.TV, max_duration_seconds=180))
    assert script.seconds == 180 and script.problems == []
    page.deeds = [paragraph("<p>" + "丙" * 700 + "</p>")]
    script = channels.broadcast.render(page, channel(ChannelKind.TV, max_duration_seconds=180))
    assert script.seconds == 192 and script.limit_seconds == 180
    assert script.problems == [
        "口播时长约 3 分 12 秒（800 字），超过本渠道上限 3 分钟："
        "请删减正文约 50 字，或在渠道设置中调整“口播时长上限”。"
    ]


# --- Manuscript ---------------------------------------------------------------------------


def test_manuscript_parts_and_embedded_pictures(exemplar):
    manuscript = channels.manuscript.render(exemplar, channel(ChannelKind.NEWSPAPER))
    assert manuscript.kicker == "担当作为·先进典型"
    assert manuscript.headline == "扎根山村二十年的“泥腿子书记”"
    assert manuscript.subheadline == "——记石桥镇上坝村党支部书记周立军"
    assert manuscript.byline == "本报讯（通讯员 鉴湖区融媒体中心）"
    assert [reading.image_caption(i) for i in manuscript.images] == [
        "周立军",
        "周立军在茶园查看春茶长势",
    ]
    document = Document(io.BytesIO(channels.manuscript.word_file(manuscript)))
    assert len(document.inline_shapes) == 2
    texts = [p.text for p in document.paragraphs]
    assert texts.index("图2：周立军在茶园查看春茶长势") > texts.index("配图")


@pytest.mark.parametrize(
    "author, expected",
    [
        ("通讯员 鉴宣", "本报讯（通讯员 鉴宣）"),  # the demo's 《鉴湖日报》 read 通讯员 通讯员 鉴宣
        ("  通讯员   鉴宣 ", "本报讯（通讯员 鉴宣）"),
        ("记者 林芳 通讯员 鉴宣", "本报讯（记者 林芳 通讯员 鉴宣）"),
        ("鉴湖区融媒体中心", "本报讯（通讯员 鉴湖区融媒体中心）"),
        ("", "本报讯"),
    ],
)
def test_manuscript_byline_names_the_role_once(exemplar, author, expected):
    newspaper = channel(ChannelKind.NEWSPAPER, author=author)
    manuscript = channels.manuscript.render(exemplar, newspaper)
    assert manuscript.byline == expected
    texts = [
        p.text for p in Document(io.BytesIO(channels.manuscript.word_file(manuscript))).paragraphs
    ]
    assert expected in texts
    assert "通讯员 通讯员" not in channels.manuscript.preview(exemplar, newspaper)[1]


# --- WeChat -------------------------------------------------------------------------------


class AttributeCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.attributes = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes.extend(name for name, _value in attrs)


def test_wechat_html_has_only_inline_styles(exemplar, case):
    for page in (exemplar, case):
        article = channels.wechat.render(page, channel(ChannelKind.WECHAT), upload=fake_upload)
        collector = AttributeCollector()
        collector.feed(article.content)
        assert not {"style", "script", "link", "iframe"} & set(collector.tags)
        assert not {"class", "id"} & set(collector.attributes)
        assert not [a for a in collector.attributes if a.startswith("on")]
        assert "style" in collector.attributes
        assert "example.com" not in article.content  # outside links are dropped, text kept
        assert "民情日记专题" in article.content or page is case


def test_wechat_uploads_every_body_image_and_takes_the_portrait_as_cover(exemplar):
    uploaded = []

    def upload(image):
        uploaded.append(image.title)
        return fake_upload(image)

    article = channels.wechat.render(exemplar, channel(ChannelKind.WECHAT), upload=upload)
    assert uploaded == ["周立军照片", "周立军工作照"]
    assert article.cover_image.pk == exemplar.portrait.pk
    assert [i.title for i in article.images] == uploaded
    assert article.content.count("https://mmbiz.qpic.cn/") == 2
    assert article.problems == []


def test_wechat_preview_images_point_at_public_renditions(case):
    article = channels.wechat.render(case, channel(ChannelKind.WECHAT))
    assert re.search(rf'src="{PUBLIC}/media/images/[^"]+\.(png|jpg)"', article.content)


def test_wechat_title_over_32_characters_is_a_problem():
    page = ExemplarPageFactory(title="题" * 33)
    problems = channels.wechat.render(page, channel(ChannelKind.WECHAT)).problems
    assert (
        "标题超过 32 字（现 33 字），请在“推广”中填写不超过 32 字的“标题标签”作为短标题。"
        in problems
    )
    page.seo_title = "题" * 32
    assert not [
        p for p in channels.wechat.render(page, channel(ChannelKind.WECHAT)).problems if "标题" in p
    ]


def test_wechat_author_over_16_characters_is_a_problem():
    page = ExemplarPageFactory()
    problems = channels.wechat.render(page, channel(ChannelKind.WECHAT, author="作" * 17)).problems
    assert any(p.startswith("署名超过 16 字（现 17 字）") for p in problems)


def test_wechat_content_of_20000_characters_is_a_problem():
    text = "段" * 2000
    page = ExemplarPageFactory(deeds=[paragraph(f"<p>{text}</p>")] * 9, portrait=ImageFactory())
    article = channels.wechat.render(page, channel(ChannelKind.WECHAT), upload=fake_upload)
    assert len(article.content) < 20_000 and article.problems == []
    page.deeds = [paragraph(f"<p>{text}</p>")] * 10
    article = channels.wechat.render(page, channel(ChannelKind.WECHAT), upload=fake_upload)
    assert len(article.content) >= 20_000
    assert [p for p in article.problems if p.startswith("正文过长")]


def test_wechat_without_any_image_has_no_cover():
    problems = channels.wechat.render(CaseStudyPageFactory(), channel(ChannelKind.WECHAT)).problems
    assert problems == ["没有封面图片：请在正文中加入至少一张图片。"]
    problems = channels.wechat.render(ExemplarPageFactory(), channel(ChannelKind.WECHAT)).problems
    assert problems == ["没有封面图片：请上传照片，或在正文中加入至少一张图片。"]


def test_wechat_digest_is_at_most_128_characters():
    page = ExemplarPageFactory(portrait=ImageFactory())
    page.summary = "这是一句很长的简介。" * 14
    digest = channels.wechat.render(page, channel(ChannelKind.WECHAT)).digest
    assert len(digest) <= 128 and digest.endswith("。")


# --- Weibo --------------------------------------------------------------------------------


def test_weibo_length_counts_two_ascii_characters_as_one():
    assert clients.weibo_length("镜鉴") == 2
    assert clients.weibo_length("ab") == 1
    assert clients.weibo_length("abc") == 2
    assert clients.weibo_length("镜鉴 https://a.cn") == 2 + 7  # 13 ASCII characters


def test_weibo_lead_stands_on_its_own(exemplar):
    post = channels.weibo.render(exemplar, channel(ChannelKind.WEIBO))
    assert post.text.startswith(post.lead)
    assert clients.weibo_length(post.lead) <= 140
    assert post.lead == f"【{exemplar.title}】{exemplar.summary}"
    assert post.link == f"{PUBLIC}{exemplar.url}" and post.link in post.text


def test_weibo_lead_keeps_whole_sentences_within_140():
    page = ExemplarPageFactory(
        title="标" * 30, summary="第一句话说清楚是谁做了什么。" + "第二句" * 35 + "。"
    )
    post = channels.weibo.render(page, channel(ChannelKind.WEIBO))
    assert post.lead == f"【{'标' * 30}】第一句话说清楚是谁做了什么。"
    assert clients.weibo_length(post.lead) <= 140


def test_weibo_post_is_cut_at_2000_with_the_link_kept():
    page = ExemplarPageFactory(deeds=[paragraph("<p>" + "很长的事迹。" * 100 + "</p>")] * 6)
    post = channels.weibo.render(page, channel(ChannelKind.WEIBO))
    assert 1900 < clients.weibo_length(post.text) <= 2000
    assert post.text.endswith(f"……\n阅读全文：{post.link}")
    assert post.problems == []


def test_weibo_takes_at_most_9_images():
    images = [ImageFactory(title=f"图{n}") for n in range(12)]
    page = CaseStudyPageFactory(facts=[image_block(i, f"图{n}") for n, i in enumerate(images)])
    post = channels.weibo.render(page, channel(ChannelKind.WEIBO))
    assert [i.title for i in post.images] == [f"图{n}" for n in range(9)]


# --- JSON ---------------------------------------------------------------------------------


def test_json_is_the_api_detail_shape_signed_over_the_body(client, exemplar):
    payload = channels.webhook.render(
        exemplar, channel(ChannelKind.APP), "updated", "k-1", "s3cret"
    )
    expected = hmac.new(b"s3cret", payload.body, hashlib.sha256).hexdigest()
    assert payload.signature == f"sha256={expected}"
    assert hmac.compare_digest(clients.sign(payload.body, "s3cret"), payload.signature)
    assert clients.sign(payload.body, "wrong") != payload.signature
    data = json.loads(payload.body)
    api = client.get(f"/api/v2/pages/{exemplar.pk}/").json()
    assert set(data) == set(api) | {"event", "idempotency_key"}
    assert {k: v for k, v in data.items() if k not in ("meta", "event", "idempotency_key")} == {
        k: v for k, v in api.items() if k != "meta"
    }
    assert set(data["meta"]) == set(api["meta"])
    assert data["meta"]["html_url"] == f"{PUBLIC}{exemplar.url}"
    assert data["meta"]["detail_url"] == api["meta"]["detail_url"]
    assert (data["event"], data["idempotency_key"]) == ("updated", "k-1")


def test_json_body_is_deterministic_utf8_with_sorted_keys(exemplar):
    first = channels.webhook.render(exemplar, channel(ChannelKind.APP), "published", "k", "s")
    second = channels.webhook.render(exemplar, channel(ChannelKind.APP), "published", "k", "s")
    assert first.body == second.body and first.signature == second.signature
    assert "周立军".encode() in first.body
    keys = list(json.loads(first.body))
    assert keys == sorted(keys)


def test_json_without_a_secret_is_a_problem(exemplar):
    payload = channels.webhook.render(exemplar, channel(ChannelKind.WEBHOOK), "published", "k", "")
    assert payload.problems == ["没有签名密钥：请在发布渠道设置中填写“密钥”，接收方用它核对签名。"]


# --- Dispatch, previews, unsaved and other pages ------------------------------------------


@pytest.mark.parametrize(
    "kind, rendition",
    [
        (ChannelKind.TV, channels.broadcast.BroadcastScript),
        (ChannelKind.RADIO, channels.broadcast.BroadcastScript),
        (ChannelKind.NEWSPAPER, channels.manuscript.Manuscript),
        (ChannelKind.WECHAT, channels.wechat.WeChatArticle),
        (ChannelKind.WEIBO, channels.weibo.WeiboPost),
        (ChannelKind.APP, channels.webhook.JsonPayload),
        (ChannelKind.WEBHOOK, channels.webhook.JsonPayload),
    ],
)
def test_render_dispatches_on_the_channel_kind(kind, rendition, case):
    assert isinstance(renderers.render(case, channel(kind)), rendition)


@pytest.mark.parametrize("kind", ChannelKind.values)
def test_preview_shows_the_rendition_and_its_problems_first(kind, exemplar):
    exemplar.title = "题" * 140  # too long for WeChat and for a Weibo lead
    exemplar.seo_title = ""
    html = renderers.preview_html(exemplar, channel(kind, max_duration_seconds=10))
    assert html.startswith("<!DOCTYPE html>") and 'lang="zh-CN"' in html
    if kind in (ChannelKind.APP, ChannelKind.WEBHOOK, ChannelKind.NEWSPAPER):
        assert "检查通过" in html
    else:
        assert html.index('class="problems"') < html.index('class="wrap"') + 40
    assert "<script" not in html


def test_unsaved_pages_render_from_the_object(exemplar):
    page = ExemplarPageFactory.build(
        title="尚未保存的典型", summary="预览中的简介。", deeds=[paragraph("<p>预览正文。</p>")]
    )
    for kind in ChannelKind.values:
        assert renderers.render(page, channel(kind)) is not None
    assert "预览正文" in channels.broadcast.render(page, channel(ChannelKind.TV)).text


def test_other_pages_degrade_to_title_and_search_description():
    from wagtail.models import Page

    home = Page.objects.get(depth=2).specific
    home.search_description = "镜鉴:先进典型与警示案例。"
    script = channels.broadcast.render(home, channel(ChannelKind.TV))
    assert script.text == f"{home.title}\n\n镜鉴:先进典型与警示案例。"
    post = channels.weibo.render(home, channel(ChannelKind.WEIBO))
    assert post.lead == f"【{home.title}】镜鉴:先进典型与警示案例。"
    assert channels.manuscript.render(home, channel(ChannelKind.NEWSPAPER)).problems == []
    assert json.loads(
        channels.webhook.render(home, channel(ChannelKind.APP), "published", "k", "s").body
    )


def test_channels_never_carry_restricted_pictures(db):
    """Channels are public outlets: every renderer reads a page's pictures through one place."""
    restricted = Collection.objects.get(name="限定资料")
    portrait = ImageFactory(title="限定肖像", collection=restricted)
    figure = ImageFactory(title="限定现场照片", collection=restricted)
    page = ExemplarPageFactory(
        portrait=portrait,
        deeds=[paragraph("<p>扎根基层三十年。</p>"), image_block(figure, "谈话现场")],
    )
    uploaded = []

    def upload(image):
        uploaded.append(image.pk)
        return f"https://mmbiz.qpic.cn/{image.pk}/0"

    wechat = channels.wechat.render(page, ChannelFactory(kind=ChannelKind.WECHAT), upload=upload)
    assert uploaded == [] and wechat.cover_image is None
    assert "谈话现场" not in wechat.content
    manuscript = channels.manuscript.render(page, ChannelFactory(kind=ChannelKind.NEWSPAPER))
    assert manuscript.images == []
    weibo = channels.weibo.render(page, ChannelFactory(kind=ChannelKind.WEIBO))
    assert weibo.images == []
    # Moved to a public collection, the same pictures go out.
    for image in (portrait, figure):
        image.collection = Collection.get_first_root_node()
        image.save()
    page = type(page).objects.get(pk=page.pk)  # its body holds the images it first read
    wechat = channels.wechat.render(page, ChannelFactory(kind=ChannelKind.WECHAT), upload=upload)
    assert uploaded == [portrait.pk, figure.pk]
    manuscript = channels.manuscript.render(page, ChannelFactory(kind=ChannelKind.NEWSPAPER))
    assert len(manuscript.images) == 2
