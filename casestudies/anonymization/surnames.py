"""Chinese surnames (common single-character and compound), for pseudonyms and name detection.

Compiled from the public lists of the most frequent surnames; compound surnames are matched
before single ones.
"""

COMPOUND = (
    "欧阳 司马 诸葛 上官 东方 皇甫 尉迟 公孙 慕容 令狐 司徒 夏侯 宇文 长孙 端木 轩辕 "
    "呼延 南宫 西门 独孤 闻人 万俟 澹台 公冶 濮阳 太叔 申屠 钟离 百里 东郭"
).split()

SINGLE = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
    "龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞"
    "左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕"
    "屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧"
    "闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝封钦奚丘邢"
)

# Characters that start many ordinary words: a detected "name" starting with one of these and
# not tagged as a person by the tagger needs more evidence before it counts.
AMBIGUOUS = set("和成时明全安文高白金方向常万于关石江龙华马黄宁单")


def surname_of(name):
    """The surname at the start of ``name`` (compound first), or ``""``."""
    for surname in COMPOUND:
        if name.startswith(surname):
            return surname
    return name[:1] if name[:1] in SINGLE else ""
