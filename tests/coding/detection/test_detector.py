# ruff: noqa: RUF001, RUF003 (Cyrillic, Persian and CJK text on purpose)
"""The detector finds aliases in every script at the right code points (pure, no database)."""

import pytest

from coding.detection.aliases import alias_pattern, load_shipped_aliases, russian_stem
from coding.detection.detector import Detector, detector_for

SHIPPED = load_shipped_aliases()


@pytest.fixture(scope="module")
def detector():
    return detector_for(SHIPPED)


def found(detector, text):
    return [(text[m.start : m.end], m.iso3, m.start, m.end) for m in detector.find(text)]


def at(text, needle, nth=0):
    """Code-point offset of the nth occurrence of needle."""
    pos = -1
    for _ in range(nth + 1):
        pos = text.index(needle, pos + 1)
    return pos


def test_english_names_adjectives_leaders_and_abbreviations(detector):
    text = "🚀 Russia's navy and the PLA met Iranians; Kim Jong-un 🇰🇵 visited Beijing."
    hits = found(detector, text)
    assert ("Russia", "RUS", at(text, "Russia"), at(text, "Russia") + 6) in hits
    assert ("PLA", "CHN", at(text, "PLA"), at(text, "PLA") + 3) in hits
    assert ("Iranians", "IRN", at(text, "Iranians"), at(text, "Iranians") + 8) in hits
    assert ("Kim Jong-un", "PRK", at(text, "Kim"), at(text, "Kim") + 11) in hits
    assert ("Beijing", "CHN", at(text, "Beijing"), at(text, "Beijing") + 7) in hits


def test_abbreviations_keep_their_case_and_words_their_boundaries(detector):
    hits = found(detector, "a pla of places; Iranianism; chinaware")
    assert hits == []


def test_russian_case_endings_and_adjectives(detector):
    text = "Россией 😀 и России, Россию; российского флота, Пекином, КНДР и Северной Кореи."
    hits = found(detector, text)
    assert [h[:2] for h in hits] == [
        ("Россией", "RUS"),
        ("России", "RUS"),
        ("Россию", "RUS"),
        ("российского", "RUS"),
        ("Пекином", "CHN"),
        ("КНДР", "PRK"),
        ("Северной Кореи", "PRK"),
    ]
    assert hits[1][2] == at(text, "России")


def test_russian_stems():
    assert russian_stem("Россия") == "Росси"
    assert russian_stem("российский") == "российск"
    assert russian_stem("Пекин") == "Пекин"
    assert russian_stem("КНДР") == "КНДР"


def test_persian_zwnj_letter_variants_and_suffixes(detector):
    # Arabic yeh and kaf (ي ك) for Persian ی ک, a ZWNJ between words, and suffixes
    text = "🙂روسیه‌ای و ایرانی؛ كره شمالي با پیونگ‌یانگ و کره‌شمالی"
    hits = found(detector, text)
    assert [h[:2] for h in hits] == [
        ("روسیه\u200cای", "RUS"),
        ("ایرانی", "IRN"),
        ("كره شمالي", "PRK"),
        ("پیونگ\u200cیانگ", "PRK"),
        ("کره\u200cشمالی", "PRK"),
    ]
    assert hits[0][2] == 1  # after one emoji, one code point
    assert hits[3][2:] == (at(text, "پیونگ"), at(text, "پیونگ") + len("پیونگ\u200cیانگ"))


def test_persian_name_inside_another_word_is_not_found(detector):
    assert found(detector, "بلاروس") == [("بلاروس", "BLR", 0, 6)]


def test_chinese_without_word_boundaries_longest_name_wins(detector):
    text = "🇨🇳中国与俄罗斯在白俄罗斯举行演习，朝鲜观察。"
    hits = found(detector, text)
    assert [h[:2] for h in hits] == [
        ("中国", "CHN"),
        ("俄罗斯", "RUS"),
        ("白俄罗斯", "BLR"),
        ("朝鲜", "PRK"),
    ]
    assert hits[0][2] == 2  # the flag is two code points
    assert hits[2][2] == at(text, "白俄罗斯")


def test_korean_particles_after_names(detector):
    text = "러시아는 🎉북한과 중국의 대표가 평양에서 이란군을 만났다"
    hits = found(detector, text)
    assert [h[:2] for h in hits] == [
        ("러시아", "RUS"),
        ("북한", "PRK"),
        ("중국", "CHN"),
        ("평양", "PRK"),
        ("이란군", "IRN"),
    ]
    assert hits[1][2] == at(text, "북한")


def test_korean_name_must_start_a_word(detector):
    assert found(detector, "평화이란 무엇인가") == []


def test_empty_and_odd_aliases():
    assert alias_pattern("   ") is None
    assert Detector({}).find("Russia") == []
    assert Detector({"XXX": ["a(b"]}).find("a(b") != []  # escaped, not a regex


def test_the_detector_is_cached_per_set_of_aliases():
    assert detector_for(SHIPPED) is detector_for(SHIPPED)
    assert detector_for({"RUS": {"en": ["Russia"]}}) is not detector_for(SHIPPED)


def test_shipped_names_cover_every_language_for_the_default_actors():
    for iso3 in ("CHN", "RUS", "IRN", "PRK", "IND", "VNM", "BLR"):
        assert set(SHIPPED[iso3]) >= {"en", "ru", "zh", "fa", "ko"}, iso3
    for iso3 in ("CHN", "RUS", "PRK"):  # the states named in compounds (中俄, 북러)
        assert len(SHIPPED[iso3]["zh_short"]) == len(SHIPPED[iso3]["ko_short"]) == 1, iso3


# compounds naming two or more states: each state at its own code point


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("中俄关系", [("中", "CHN"), ("俄", "RUS")]),
        ("俄中联合军演", [("俄", "RUS"), ("中", "CHN")]),
        ("中伊合作", [("中", "CHN"), ("伊", "IRN")]),
        ("俄朝条约", [("俄", "RUS"), ("朝", "PRK")]),
        ("中朝边境", [("中", "CHN"), ("朝", "PRK")]),
        ("伊俄联合", [("伊", "IRN"), ("俄", "RUS")]),
        ("中俄朝三国", [("中", "CHN"), ("俄", "RUS"), ("朝", "PRK")]),
        ("북러 관계", [("북", "PRK"), ("러", "RUS")]),
        ("북중 국경", [("북", "PRK"), ("중", "CHN")]),
        ("러북 조약", [("러", "RUS"), ("북", "PRK")]),
        ("북·러 정상회담", [("북", "PRK"), ("러", "RUS")]),
        ("한러 관계", [("러", "RUS")]),  # 한: South Korea completes it but is not an actor
        ("美俄峰会", [("俄", "RUS")]),
    ],
)
def test_compounds_of_states_give_each_state(detector, text, expected):
    assert [h[:2] for h in found(detector, text)] == expected


def test_compounds_at_the_right_code_points_beside_emoji_and_zwnj(detector):
    text = "🇨🇳🇷🇺 报道：😀中俄\u200c关系；👍🏽북러\u200c관계는 😀"
    hits = found(detector, text)
    zh, ko = at(text, "中俄"), at(text, "북러")
    assert hits == [
        ("中", "CHN", zh, zh + 1),
        ("俄", "RUS", zh + 1, zh + 2),
        ("북", "PRK", ko, ko + 1),
        ("러", "RUS", ko + 1, ko + 2),
    ]
    assert zh == 9  # four code points of flags, a space, 报道：, one of emoji


@pytest.mark.parametrize(
    "text",
    [
        "中国人",  # the name 中国, not a compound
        "其中",
        "中",
        "中中",  # the same state twice is no compound
        "美中不足",  # an idiom
        "朝中心走去",
        "文中伊斯兰教",
        "북중미 월드컵",  # North and Central America
        "이러한 미러리스",
        "중간에 북쪽",
        "한국",
    ],
)
def test_one_character_forms_alone_or_in_words_are_not_states(detector, text):
    assert [h for h in found(detector, text) if h[3] - h[2] == 1] == []


def test_a_name_starting_inside_a_compound_wins(detector):
    # 其中 + 俄罗斯: the name, not China and Russia
    assert [h[:2] for h in found(detector, "其中俄罗斯和伊朗")] == [
        ("俄罗斯", "RUS"),
        ("伊朗", "IRN"),
    ]
    assert [h[:2] for h in found(detector, "白俄罗斯")] == [("白俄罗斯", "BLR")]


def test_compound_forms_come_from_the_aliases():
    detector = Detector({"CHN": {"zh": ["中国"]}, "RUS": {"zh": ["俄罗斯"], "zh_short": ["俄"]}})
    assert [(m.iso3, m.start) for m in detector.find("中俄")] == []  # 中 is not a form here
    detector = Detector(
        {"CHN": {"zh": ["中国"], "zh_short": ["中"]}, "RUS": {"zh": ["俄罗斯"], "zh_short": ["俄"]}}
    )
    assert [(m.iso3, m.start) for m in detector.find("中俄")] == [("CHN", 0), ("RUS", 1)]
