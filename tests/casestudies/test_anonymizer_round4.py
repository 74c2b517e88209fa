"""The anonymizer's rules of the fourth round of issue 16 (§1), one test per rule."""

import pytest

from casestudies.anonymization import Options, anonymize

KEEP = Options(replace_unlisted=False)
RULES_ONLY = Options(detect_unlisted=False)


def found(text, persons=()):
    return [c.text for c in anonymize(text, persons, options=KEEP).candidates]


def rules(text):
    return [(r.original, r.rule) for r in anonymize(text, options=RULES_ONLY).replacements]


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
