"""Chinese surnames, for pseudonyms and name detection.

Compiled from public lists: the most frequent surnames of the census, and the classical list of
surnames (百家姓) with its compound surnames. Three tiers, by how much evidence a name needs
before the detector believes it:

- ``SINGLE``: frequent surnames; the tagger alone may propose a name starting with one;
- ``RARE``: the rest of the classical list and rarer modern surnames (邴 禤 仝 訾 亓 郗 逯 …);
  a name starting with one needs context (a post before or after it, a list of names);
- ``AMBIGUOUS``: surnames that also start many ordinary words (高明, 和平, 向她): even a frequent
  one needs context.

Compound surnames are matched before single ones; those that are also ordinary words (东方,
百里, 第五) are ambiguous too.
"""

COMPOUND = (
    "欧阳 司马 诸葛 上官 东方 皇甫 尉迟 公孙 慕容 令狐 司徒 夏侯 宇文 长孙 端木 轩辕 "
    "呼延 南宫 西门 独孤 闻人 万俟 澹台 公冶 濮阳 太叔 申屠 钟离 百里 东郭 单于 淳于 "
    "宗政 公羊 赫连 鲜于 闾丘 司空 亓官 司寇 仉督 子车 颛孙 巫马 公西 漆雕 乐正 壤驷 "
    "公良 拓跋 夹谷 宰父 谷梁 段干 南门 归海 羊舌 微生 梁丘 左丘 东门 第五 尉缭 完颜"
).split()

SINGLE = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
    "龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞"
    "左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕"
    "屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧"
    "闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝封钦奚丘邢萧阎"
)

RARE = (
    set(
        "邴禤仝訾亓郗逯晁厍笪缑郜阚揭蒯扈隗浦芮酆谌宓蔺邰乜隆汲茹鄢郦幸鞠纳喇冼禹庹钮伏阙戈毋"
        "窦傅皮伊湛狄贝计茅危支昝经裘贲郁杭洪诸嵇滑荀羊於惠羿储糜松井富弓牧蓬班仰秋暴钭厉戎祖"
        "束蓟薄印宿怀鄂索咸籍赖屠阴鬱胥苍莘逄贡劳扶堵宰雍卻璩濮寿燕冀郏慕宦鱼容慎庾暨居衡步"
        "弘匡禄殳沃蔚夔简饶丰巢荆竺权盖桓楚晋汝涂帅况佴墨哈谯言揣栗粟郄邸冒鄞靖兀佀斛尧邗闻"
        "仉漆练骞苻羌年綦占官完母敬税冶宣闭银谈续贠仵蹇弋甯满刀召岩朴"
        "廉那强双原战卿"
    )
    - SINGLE
)

AMBIGUOUS = set("和成时明全安文高白金方向常万于关石江龙华马黄宁单年那强双原战") | {
    "东方",
    "百里",
    "第五",
    "东门",
    "南门",
    "西门",
    "南宫",
    "司空",
    "公西",
    "子车",
    "段干",
    "归海",
    "乐正",
    "微生",
    "夹谷",
    "单于",
}


_COMPOUND = frozenset(COMPOUND)


def surname_of(name):
    """The surname at the start of ``name`` (compound first), or ``""``."""
    if name[:2] in _COMPOUND:
        return name[:2]
    return name[:1] if name[:1] in SINGLE or name[:1] in RARE else ""
