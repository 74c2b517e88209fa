"""A password rule on top of Django's: no password made of this project's and district's words.

Django's validators (``AUTH_PASSWORD_VALIDATORS``) refuse passwords shorter than 12 characters,
the 20,000 most common ones, all-digit ones and ones like the user's name; none of them knows
that ``jingjian`` or ``jianhu2024`` is the first thing a guesser here would try.
"""

import re
import unicodedata

from django.core.exceptions import ValidationError

# The site's and the district's names (in characters and pinyin), the demo accounts' names and
# the words every guesser tries first. Compared after NFKC and case folding.
PROJECT_WORDS = (
    "jingjian",
    "镜鉴",
    "jianhu",
    "jianhuqu",
    "鉴湖",
    "jiwei",
    "纪委",
    "jijian",
    "纪检",
    "xuanchuan",
    "宣传",
    "bianji",
    "shenhe",
    "duzhe",
    "admin",
    "administrator",
    "password",
    "passw0rd",
    "mima",
    "密码",
    "wagtail",
    "django",
    "qwerty",
    "asdf",
    "123456",
)
_WORDS = sorted({unicodedata.normalize("NFKC", w).casefold() for w in PROJECT_WORDS}, key=len)[::-1]
_FILLER = re.compile(r"[\W\d_]+")  # digits, punctuation, spaces


class ProjectWordsValidator:
    """Refuse a password that, once the project's words, digits and punctuation are taken out,
    keeps fewer than ``min_rest`` characters: ``jingjian-admin``, ``Jianhu2024!!``, ``鉴湖123456``."""

    def __init__(self, min_rest=6):
        self.min_rest = min_rest

    def rest(self, password):
        """What is left of ``password`` without the listed words, digits and punctuation."""
        text = unicodedata.normalize("NFKC", password).casefold()
        for word in _WORDS:
            text = text.replace(word, " ")
        return _FILLER.sub("", text)

    def validate(self, password, user=None):
        if len(self.rest(password)) < self.min_rest:
            raise ValidationError(
                "这个密码主要由本站、本区的名称（包括拼音）或常见词语加上数字和符号组成，"
                "很容易被猜到。请另选一个密码，例如把几个互不相关的词语连在一起。",
                code="password_project_words",
            )

    def get_help_text(self):
        return "密码不能主要由本站、本区的名称（包括拼音）或常见词语组成。"
