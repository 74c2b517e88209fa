"""The speech's own paragraph with its blanks filled for a period, ready to paste.

The seed (a district leader's speech, ``shared/seed/``) leaves the figures as “XX”: “去年以来，
……累计查处不作为不担当问题XX起，问责XX人，其中给予党纪处分XX人，对存在“软懒散”问题的XX个单位
和XX起典型案例进行公开通报，……”. The seed is in traditional characters with some of them
mis-encoded (擔(dān)當(dāng)); the text below is the paragraph restored, in simplified characters
and full-width punctuation (GB/T 15834).
"""

from casestudies.statistics.suppression import HIDDEN, SMALL

__all__ = ["PARAGRAPH", "SENTENCE", "fill"]

# The figures in the order the speech names them.
BLANKS = ["matters", "persons", "party_sanctioned", "units_bulletined", "matters_bulletined"]
SENTENCE = (
    "{since}，累计查处不作为不担当问题{matters}起，问责{persons}人，其中给予党纪处分"
    "{party_sanctioned}人，对存在“软懒散”问题的{units_bulletined}个单位和{matters_bulletined}"
    "起典型案例进行公开通报。"
)
PARAGRAPH = (
    "{since}，我们按照中央和市委部署要求，以抓铁有痕的韧劲和“零容忍”的态度，一体推进不作为"
    "不担当专项治理和形式主义官僚主义集中整治，高举“纪律戒尺”，聚焦十项治理重点，以疾风厉势"
    "治庸治懒治无为，累计查处不作为不担当问题{matters}起，问责{persons}人，其中给予党纪处分"
    "{party_sanctioned}人，对存在“软懒散”问题的{units_bulletined}个单位和{matters_bulletined}"
    "起典型案例进行公开通报，有力推动了“双万双服促发展”、环境治理、扶贫助困、“双违”治理、"
    "民心工程等各项重点工作的顺利开展。与此同时，我们充分发挥典型引路的作用，选树了一批担当"
    "作为的先进典型，大张旗鼓进行宣传，在全区上下营造了见贤思齐、比学先进的浓厚氛围。"
)
# A hidden figure, as a sentence can say it.
SPOKEN = {SMALL: "不足3", HIDDEN: "不少于3"}


def fill(template, figures):
    """``template`` (``SENTENCE`` or ``PARAGRAPH``) with the period and each figure of
    ``figures`` (``report.Figures``) as its viewer may see it."""
    values = {key: figures.totals[key].shown for key in BLANKS}
    values = {key: SPOKEN.get(text, text) for key, text in values.items()}
    return template.format(since=figures.period.since, **values)
