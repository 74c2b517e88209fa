"""Characters of Chinese transliterations of Tibetan, Uyghur, Kazakh, Yi and Mongolian names.

Such names have no surname from the table (扎西多吉, 阿不都热合曼·买买提, 吉克阿依, 额尔敦朝鲁):
what marks them is the run of characters used for their sounds. ``MARKERS`` are characters
rarely used otherwise in a run of names (扎 措 嘎 呷 …); ``SOUNDS`` are the others seen in such
names, many of them also common characters. A run of ``SOUNDS`` holding markers, after or before
a post, is a name; the detector ends it where the word segmenter starts an ordinary word.
"""

MARKERS = set(
    "阿艾巴扎吉尔克提买古丽依努热吐逊拉措卓玛嘎呷且姆旦仁次桑杰央旺堆珠顿木孜汗甫斯娜尼索朗"
    "多达瓦布普格图特敦额苏乌哈勒沙伍比莫俄迪帕曼坦尕萨赛库塔托亚吾肯加洛泽降邓赞贡琼哲"
)
SOUNDS = MARKERS | set(
    "金平德白罗曲玉明兰华其美宝音日海马牛来子地好也求果各才让群培米宗四郎益强边登赤列秋嘉坚"
    "松乃绒色则周更黑红石朝鲁琴雅那满根呼毕敖包孟乃伊衣西夏江洪合别叶开凯莱纳穆森恰麦利诺"
    "约翰埃保柯察雷里力克塞亨申奥威维丹火不都南毛者守万"
)


def marker_count(word):
    return sum(char in MARKERS for char in word)


def sounds_like_a_name(word):
    """Whether ``word`` reads as a transliterated name: all its characters are name sounds and
    enough of them are markers (a third, at least one; two for a word of two characters)."""
    if not word or any(char not in SOUNDS and char != "·" for char in word):
        return False
    letters = word.replace("·", "")
    markers = marker_count(letters)
    return markers >= 2 if len(letters) <= 2 else markers >= max(1, len(letters) // 3)
