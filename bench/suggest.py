# ruff: noqa: RUF001 (Cyrillic and Chinese sample text on purpose)
"""Suggestions as a coder, on a synthetic study: training time, latency, P/R/F1 and alpha.

    .venv/bin/python bench/suggest.py [--sources 2000] [--seed 7]

Generates a study of news-like sources in English, Russian and Chinese with planted ties (the
reference: passage, activity, area and dyad), trains the suggester (coding.suggestions) on the
approved codings of the first sources until it has 100, 500 and 2,000 approvals, and scores it
on 300 held-out sources exactly as the reliability page scores it: precision / recall / F1 of
passages and Krippendorff's alpha against the reference per variable. Latency is for one
10,000-character source (detection, passages, features, classifier). Aim: < 50 ms.
Pure Python: no database, no network.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from coding.detection.aliases import load_shipped_aliases
from coding.detection.detector import detector_for
from coding.suggestions.evaluation import Coded, evaluate
from coding.suggestions.examples import Labelled, propose, training_examples
from coding.suggestions.model import PassageClassifier

NAMES = {
    "en": {"CHN": ["China", "Beijing", "the PLA"], "RUS": ["Russia", "Moscow", "the Kremlin"],
           "IRN": ["Iran", "Tehran", "the IRGC"], "PRK": ["North Korea", "Pyongyang", "the DPRK"]},
    "ru": {"CHN": ["Китай", "Пекин"], "RUS": ["Россия", "Москва"], "IRN": ["Иран", "Тегеран"],
           "PRK": ["КНДР", "Пхеньян"]},
    "zh": {"CHN": ["中国", "北京"], "RUS": ["俄罗斯", "莫斯科"], "IRN": ["伊朗", "德黑兰"],
           "PRK": ["朝鲜", "平壤"]},
}  # fmt: skip
# activity -> (area, directed, templates by language); {a} and {b} are actor names
TIES = {
    "heads_of_state": ("contacts", False, {
        "en": ["The presidents of {a} and {b} held talks on military cooperation.",
               "Leaders of {a} and {b} discussed security during a state visit.",
               "{a}'s leader met the head of state of {b} to discuss defence ties."],
        "ru": ["Лидеры {a} и {b} обсудили военное сотрудничество на встрече."],
        "zh": ["{a}和{b}元首会谈，讨论军事安全合作。"]}),
    "defense_foreign_ministers": ("contacts", False, {
        "en": ["The defence ministers of {a} and {b} met to discuss naval cooperation.",
               "Foreign ministers from {a} and {b} held consultations on regional security."],
        "ru": ["Министры обороны {a} и {b} провели переговоры о безопасности."],
        "zh": ["{a}和{b}国防部长举行会谈。"]}),
    "military_exercises": ("preparations_for_war", False, {
        "en": ["Warships of {a} and {b} began a joint naval exercise.",
               "Troops from {a} and {b} held joint drills near the border.",
               "{a} and {b} conducted a joint air patrol over the sea."],
        "ru": ["Флоты {a} и {b} начали совместные учения."],
        "zh": ["{a}和{b}举行联合军事演习。"]}),
    "arms_sales": ("preparations_for_war", True, {
        "en": ["{a} agreed to sell fighter jets to {b}.",
               "{a} signed a contract to supply air-defence systems to {b}.",
               "Under the deal, {a} will export missiles to {b}."],
        "ru": ["{a} поставит истребители в {b} по новому контракту."],
        "zh": ["{a}同意向{b}出售战斗机。"]}),
    "counter_terrorism": ("support_regime_security", False, {
        "en": ["Security services of {a} and {b} agreed to cooperate against terrorism.",
               "Police from {a} and {b} signed a pact on fighting organised crime."],
        "ru": ["Спецслужбы {a} и {b} договорились о борьбе с терроризмом."],
        "zh": ["{a}和{b}签署反恐合作协议。"]}),
    "delivery_weapons": ("wartime_support", True, {
        "en": ["{a} shipped artillery shells to {b} for use in the war.",
               "Drones made in {a} were delivered to {b} and used at the front."],
        "ru": ["{a} передал {b} снаряды для войны."],
        "zh": ["{a}向{b}运送炮弹用于战争。"]}),
}  # fmt: skip
NOISE = {
    "en": ["Trade between {a} and {b} grew by four percent last year.",
           "Tourists from {a} visited {b} in record numbers.",
           "{a} and {b} disagreed about grain tariffs.",
           "Students from {a} and {b} met at a chess tournament.",
           "{a} denied reports that it would sell fighter jets to {b}.",
           "{a} criticised the joint exercise announced by {b} and its neighbours.",
           "Ministers of {a} and {b} discussed trade and tourism, not security.",
           "Analysts doubt that {a} and {b} will hold joint drills this year."],
    "ru": ["Торговля между {a} и {b} выросла на четыре процента."],
    "zh": ["{a}和{b}的贸易额增长了百分之四。"],
}  # fmt: skip
FILLER = {
    "en": ["Markets were calm on Tuesday.", "The weather stayed mild across the region.",
           "Analysts expect little change this quarter.", "The report was published in May.",
           "Officials declined to comment further."],
    "ru": ["Рынки во вторник были спокойны.", "Аналитики не ждут перемен."],
    "zh": ["周二市场平稳。", "分析人士预计变化不大。"],
}  # fmt: skip
AREAS = {slug: area for slug, (area, _, _) in TIES.items()}
DIRECTED = {slug: directed for slug, (_, directed, _) in TIES.items()}


PREFIXES = {
    "en": ["", "", "On Tuesday, ", "According to state media, ", "Reportedly, ", "In March, "],
    "ru": ["", "", "Во вторник ", "По данным СМИ, "],
    "zh": ["", "", "据报道，", "周二，"],
}  # fmt: skip
SUFFIXES = {
    "en": ["", "", " officials said.", " the ministry said.", " despite Western criticism."],
    "ru": ["", "", " сообщили в министерстве."],
    "zh": ["", "", "官员表示。"],
}  # fmt: skip


def _dress(rng: random.Random, lang: str, sentence: str) -> str:
    """A template sentence with a random lead-in and tail, so no two ties read alike."""
    suffix = rng.choice(SUFFIXES[lang])
    if suffix:
        sentence = sentence.rstrip(".。") + ("," if lang != "zh" else "，") + suffix
    prefix = rng.choice(PREFIXES[lang])
    if prefix and lang != "zh" and not sentence.startswith(("{", "The", "Th")):
        return prefix + sentence
    return prefix + sentence if prefix else sentence


def make_source(rng: random.Random, index: int, target_chars: int = 1500):
    """(text, planted ties as Coded) for one synthetic source."""
    lang = rng.choices(["en", "ru", "zh"], weights=[6, 2, 2])[0]
    parts, planted, length = [], [], 0
    while length < target_chars:
        roll = rng.random()
        a, b = rng.sample(["CHN", "RUS", "IRN", "PRK"], 2)
        name_a, name_b = rng.choice(NAMES[lang][a]), rng.choice(NAMES[lang][b])
        if roll < 0.07:
            activity = rng.choice(list(TIES))
            sentence = _dress(rng, lang, rng.choice(TIES[activity][2][lang]))
            sentence = sentence.format(a=name_a, b=name_b)
            if sentence[0].islower():
                sentence = sentence[0].upper() + sentence[1:]
            dyad = f"{a}>{b}" if DIRECTED[activity] else "-".join(sorted([a, b]))
            start = length + (1 if parts else 0)
            planted.append(
                Coded(index, start, start + len(sentence), activity, AREAS[activity], dyad)
            )
        elif roll < 0.17:
            sentence = _dress(rng, lang, rng.choice(NOISE[lang])).format(a=name_a, b=name_b)
            sentence = sentence[0].upper() + sentence[1:]
        else:
            sentence = rng.choice(FILLER[lang])
        length += len(sentence) + (1 if parts else 0)
        parts.append(sentence)
    return " ".join(parts), planted


def study(n: int, seed: int, chars: int = 1500):
    rng = random.Random(seed)
    return [make_source(rng, i, chars) for i in range(n)]


SIBLINGS = {
    "heads_of_state": "defense_foreign_ministers", "defense_foreign_ministers": "heads_of_state",
    "military_exercises": "arms_sales", "arms_sales": "military_exercises",
    "counter_terrorism": "heads_of_state", "delivery_weapons": "arms_sales",
}  # fmt: skip


def noisy(activity: str, rng: random.Random, rate: float = 0.05) -> str:
    """Training approvals carry some coder error: 5% take a neighbouring activity."""
    return SIBLINGS[activity] if rng.random() < rate else activity


def proposals_as_coded(source_index, proposals):
    return [
        Coded(source_index, p.start, p.end, p.activity, AREAS.get(p.activity, "?"), p.dyad.label)
        for p in proposals
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sources", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    detector = detector_for(load_shipped_aliases())
    sources = study(args.sources, args.seed)
    held_out, pool = sources[:300], sources[300:]
    mentions_pool = [detector.find(text) for text, _ in pool]
    total = sum(len(p) for _, p in pool)
    print(
        f"synthetic study: {len(sources)} sources, {total + sum(len(p) for _, p in held_out)} "
        f"planted ties; held out: 300 sources with {sum(len(p) for _, p in held_out)} ties"
    )
    print(
        f"{'approvals':>9} {'train s':>8} {'P':>6} {'R':>6} {'F1':>6} "
        f"{'α activity':>10} {'α area':>7} {'α dyad':>7}"
    )
    classifier = None
    noise = random.Random(args.seed + 2)
    for target in (100, 500, 2000):
        texts, labels, approvals = [], [], 0
        for (text, planted), mentions in zip(pool, mentions_pool, strict=True):
            if approvals >= target:
                break
            approved = [Labelled(c.start, c.end, noisy(c.activity, noise)) for c in planted]
            t, lab = training_examples(text, mentions, approved)
            texts += t
            labels += lab
            approvals += len(approved)
        t0 = time.perf_counter()
        classifier = PassageClassifier(seed=args.seed).fit(texts, labels)
        seconds = time.perf_counter() - t0
        coded, reference = [], []
        for index, (text, planted) in enumerate(held_out):
            found = propose(classifier, text, detector.find(text), DIRECTED)
            coded += proposals_as_coded(index, found)
            reference += [Coded(index, c.start, c.end, c.activity, c.area, c.dyad) for c in planted]
        r = evaluate(coded, reference)
        a = r["alpha"]
        print(
            f"{approvals:>9} {seconds:>8.2f} {r['precision']:>6.3f} {r['recall']:>6.3f} "
            f"{r['f1']:>6.3f} {a['activity']:>10.3f} {a['area']:>7.3f} {a['dyad']:>7.3f}"
        )
    long_sources = [text for text, _ in study(20, args.seed + 1, chars=10_000)]
    timings = []
    for text in long_sources:
        t0 = time.perf_counter()
        propose(classifier, text, detector.find(text), DIRECTED)
        timings.append((time.perf_counter() - t0) * 1000)
    t0 = time.perf_counter()
    for text in long_sources:
        detector.find(text)
    detect_ms = (time.perf_counter() - t0) * 1000 / len(long_sources)
    print(
        f"latency per 10,000-character source: median {statistics.median(timings):.1f} ms, "
        f"max {max(timings):.1f} ms (of which detection {detect_ms:.1f} ms); aim < 50 ms"
    )
    print(f"model size: {len(classifier.to_bytes()) / 1e6:.1f} MB pickled")


if __name__ == "__main__":
    main()
