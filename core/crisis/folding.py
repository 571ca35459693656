"""A small standard-library ``TextFolding`` for tests and for tools without the libraries.

The bot uses ``bot/crisis/folding.py`` (OpenCC's full traditional → simplified table and
pypinyin's dictionary). This one knows only the characters of the lexicon's own words and
of its pinyin patterns; any other character passes through unchanged and has no syllable.
"""
from __future__ import annotations

_TRADITIONAL = dict(zip(
    "殺輕著沒義盡縊脈樓臥軌農藥燒遺書結斷殘傷歸於報復會尋從頂這個來們說話無絕見愛為麼"
    "攢夠準備決還難過喚剛後對謝離開讓時間論",
    "杀轻着没义尽缢脉楼卧轨农药烧遗书结断残伤归于报复会寻从顶这个来们说话无绝见爱为么"
    "攒够准备决还难过唤刚后对谢离开让时间论", strict=True))

_PINYIN = {
    "我": "wo", "想": "xiang", "死": "si", "自": "zi", "杀": "sha", "紫": "zi", "砂": "sha",
    "不": "bu", "活": "huo", "再": "zai", "跳": "tiao", "楼": "lou", "去": "qu", "要": "yao",
    "就": "jiu", "好": "hao", "真": "zhen", "的": "de", "很": "hen", "同": "tong", "归": "gui",
    "于": "yu", "尽": "jin", "今": "jin", "晚": "wan", "天": "tian", "相": "xiang", "似": "si",
    "了": "le", "你": "ni", "他": "ta", "她": "ta", "明": "ming", "现": "xian", "在": "zai",
}


class BasicFolding:
    """Traditional → simplified and pinyin for the lexicon's own characters only."""

    def simplified(self, text: str) -> str:
        return "".join(_TRADITIONAL.get(c, c) for c in text)

    def pinyin(self, text: str) -> list[str]:
        return [_PINYIN.get(c, "") for c in text]
