"""Real sentences in the scripts of the study, and the legacy encodings each is written in.

Used by the decoding tests: every text, written in every encoding listed for it, must come
back exactly, whether the encoding is declared, left undeclared or declared wrongly.
"""

# ruff: noqa: RUF001 (the scripts of the study are the point here)

from __future__ import annotations

TEXTS: dict[str, str] = {
    "ru": (
        "Визит в Пхеньян стал первым за последние двадцать четыре года. Эксперты называют "
        "подписанный договор о всеобъемлющем стратегическом партнёрстве поворотным моментом "
        "для безопасности в Северо-Восточной Азии. По словам дипломатов, стороны обязались "
        "оказывать друг другу военную помощь в случае нападения."
    ),
    "fa": (
        "وزیر امور خارجه ایران در سفر به مسکو گفت که همکاری‌های دفاعی دو کشور در سال‌های "
        "اخیر گسترش یافته است. کارشناسان می‌گویند این توافق پیامدهای مهمی برای امنیت منطقه "
        "دارد و تحریم‌های غرب نتوانسته است روند همکاری را متوقف کند."
    ),
    "zh_hans": (
        "中俄两国海军在日本海举行联合演习，这是双方今年第二次举行此类演习。分析人士指出，"
        "演习显示两国在安全领域的合作正在不断深化，并引起了周边国家的高度关注。"
        "外交部发言人表示，这次演习不针对任何第三方。"
    ),
    "zh_hant": (
        "中俄兩國海軍在日本海舉行聯合演習，這是雙方今年第二次舉行此類演習。分析人士指出，"
        "演習顯示兩國在安全領域的合作正在不斷深化，並引起了周邊國家的高度關注。"
        "外交部發言人表示，這次演習不針對任何第三方。"
    ),
    "ko": (
        "북한과 러시아는 평양에서 정상회담을 열고 포괄적 전략적 동반자 관계 조약에 서명했다. "
        "전문가들은 이번 조약이 한반도 안보 환경에 큰 변화를 가져올 것이라고 분석했다. "
        "정부는 이에 대해 깊은 우려를 표명했다."
    ),
    "ja": (
        "北朝鮮とロシアは平壌で首脳会談を行い、包括的戦略パートナーシップ条約に署名した。"
        "専門家は、この条約が朝鮮半島の安全保障環境に大きな変化をもたらすと分析している。"
        "日本政府は深い懸念を表明した。"
    ),
    "western": (
        "Le ministre français a déclaré à Genève que la coopération militaire entre Moscou "
        "et Téhéran inquiète les Européens. Die Außenministerin sagte, Sanktionen müssten "
        "verschärft werden. El análisis señala que la situación en la península coreana "
        "sigue siendo frágil."
    ),
}

# legacy encodings a text in this script is written in (UTF-8 applies to all of them)
ENCODINGS: dict[str, list[str]] = {
    "ru": ["windows-1251", "koi8-r", "iso-8859-5"],
    "fa": ["windows-1256"],
    "zh_hans": ["gb18030", "gbk"],
    "zh_hant": ["big5"],
    "ko": ["euc-kr"],
    "ja": ["shift_jis"],
    "western": ["windows-1252", "iso-8859-1", "iso-8859-15"],
}

# an English article with one paragraph in the study's language (the first case)
ENGLISH = (
    "Officials in Moscow and Pyongyang described the agreement as a turning point. Analysts "
    "in Seoul said the text of the treaty had not been published in full, and that its "
    "military clauses would be read closely in Washington and Tokyo."
)

# windows-1256 predates the Persian letters yeh (U+06CC) and keheh (U+06A9): Persian pages
# in it are written with the Arabic yeh and kaf, which is what such a page holds
_ARABIC_FORMS = str.maketrans({"\u06cc": "\u064a", "\u06a9": "\u0643"})


def written(lang: str, encoding: str) -> str:
    """The text of `lang` as a page in `encoding` holds it."""
    text = TEXTS[lang]
    if encoding == "windows-1256":
        text = text.translate(_ARABIC_FORMS)
    return text


def cases() -> list[tuple[str, str]]:
    """(language, encoding) pairs, UTF-8 included once per language."""
    return [(lang, enc) for lang in TEXTS for enc in [*ENCODINGS[lang], "utf-8"]]
