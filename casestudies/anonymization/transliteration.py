"""Characters of Chinese transliterations of Tibetan, Uyghur, Kazakh, Yi and Mongolian names.

Such names have no surname from the table (扎西多吉, 阿不都热合曼·买买提, 吉克阿依, 额尔敦朝鲁):
what marks them is the run of characters used for their sounds. ``MARKERS`` are characters
rarely used otherwise in a run of names (扎 措 嘎 呷 …); ``SOUNDS`` are the others seen in such
names, many of them also common characters. A run of ``SOUNDS`` holding markers, after or before
a post, is a name; the detector ends it where the word segmenter starts an ordinary word.
"""

MARKERS = set(
    "阿艾巴扎吉尔克提买古丽依努热吐逊拉措卓玛嘎呷且姆旦仁次桑杰央旺堆珠顿木孜汗甫斯娜尼索朗"
    "多达瓦布普格图特敦额苏乌哈勒沙伍比莫俄迪帕曼坦尕萨赛库塔托亚吾肯加洛泽降邓赞贡琼哲别"
)
SOUNDS = MARKERS | set(
    "金平德白罗曲玉明兰华其美宝音日海马牛来子地好也求果各才让群培米宗四郎益强边登赤列秋嘉坚"
    "松乃绒色则周更黑红石朝鲁琴雅那满根呼毕敖包孟乃伊衣西夏江洪合别叶开凯莱纳穆森恰麦利诺"
    "约翰埃保柯察雷里力克塞亨申奥威维丹火不都南毛者守万增苦东智藏毅土登久仓昂秀觉班默罕盖赖"
    "卜杜卡喀坤居拜排楞然牙皮祖素肉荪送再腾"
    # Yi names (阿说木呷, 曲比阿果, 俄木史体).
    "什惹史"
)
# Tibetan and Mongolian names are built of a few common parts (才让 + 东智, 苏和 + 巴特尔): a
# word made of them alone is a name, whatever its markers, and a part brings its characters
# into a run even where one is an ordinary character (和 of 孟和).
NAME_PARTS = set(
    """
    才让 扎西 多吉 次仁 卓玛 拉姆 旺姆 措姆 尼玛 达瓦 平措 格桑 央金 德吉 丹增 旦增 洛桑 索朗 边巴
    普布 巴桑 次旦 顿珠 多杰 东智 加措 嘉措 才旦 公保 贡保 扎巴 昂秀 土登 曲珍 益西 央宗 仁增
    罗布 白玛 泽仁 拉毛 卓嘎 旺堆 旺久 桑吉 贡布 尕藏 索南 更登 华旦 拉巴 普琼 次珍 德庆 群培
    万玛 完玛 才仁 仁青 仁欠 多杰 拉毛 吉美 晋美 阿旺 赤列 强巴 占堆 扎西 克珠 米玛 白珍 玉珍
    阿说 吉克 沙马 阿苦 海来 曲比 吉伍 阿木 木呷 拉且 石布 日则 阿呷 俄木 瓦扎 勒格 吉子 阿果 史体
    巴特尔 巴雅尔 孟和 苏和 其其格 乌兰 图雅 那日苏 额尔敦 朝鲁 宝音 毕力格 阿拉坦 敖其尔 哈斯
    斯琴 特古斯 乌力吉 巴图 吉日嘎拉 那顺 达来 德力格尔 满都拉 阿古拉 格日勒 图门
    乌云 其木格 萨仁 高娃 托娅 娜仁 塔娜 格日乐 苏日娜 额日登 朝格图 宝力道 巴音 孟克 阿拉腾
    """.split()
)


def marker_count(word):
    return sum(char in MARKERS for char in word)


def made_of_parts(word):
    """Whether ``word`` splits wholly into ``NAME_PARTS`` (才让东智, 苏和巴特尔)."""
    if not word:
        return True
    return any(word[:size] in NAME_PARTS and made_of_parts(word[size:]) for size in (2, 3, 4, 5))


def in_a_part(text, position):
    """Whether the character at ``position`` belongs to a name part written there."""
    return any(
        text[begin : begin + size] in NAME_PARTS
        for size in (2, 3, 4, 5)
        for begin in range(max(0, position - size + 1), position + 1)
    )


def sounds_like_a_name(word):
    """Whether ``word`` reads as a transliterated name: made of name parts, or all its
    characters are name sounds and enough of them are markers (a third, at least one; two for a
    word of two characters)."""
    letters = word.replace("·", "")
    if letters and made_of_parts(letters):
        return True
    if not word or any(char not in SOUNDS and char != "·" for char in word):
        return False
    markers = marker_count(letters)
    return markers >= 2 if len(letters) <= 2 else markers >= max(1, len(letters) // 3)
