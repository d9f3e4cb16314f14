"""Seed-like article pages with the inline promos newsletters and news sites put between
paragraphs, in the languages of the study. Each page: (html, article sentences, promo lines).
"""

# ruff: noqa: RUF001 (the scripts of the study are the point here)

from __future__ import annotations

PAGES: dict[str, dict] = {
    "en": {
        "title": "Tehran and Moscow sign a naval cooperation memorandum",
        "paragraphs": [
            "Iran and Russia signed a memorandum on naval cooperation in Tehran on Tuesday, "
            "committing their fleets to regular joint patrols in the Caspian Sea.",
            "The document, which has not been published, was signed by the two navies' "
            "commanders after three days of talks, according to Iranian state media.",
            "Western diplomats said the agreement formalised arrangements that had existed "
            "informally since the first joint exercise in 2019.",
            "A Russian defence ministry spokesman said further details would be announced "
            "after the meeting of defence ministers in Moscow next month.",
        ],
        "promos": [
            "Advertisement",
            "Read more: Why the Caspian matters to Beijing",
            "Subscribe to our newsletter for weekly analysis",
            "Sponsored: The Gulf Risk Monitor, free for 30 days",
            "Follow me on X @caspianwatch",
            "Share this article",
            "Tags: Iran, Russia, navy, Caspian",
        ],
    },
    "ru": {
        "title": "Россия и Иран подписали меморандум о военно-морском сотрудничестве",
        "paragraphs": [
            "Россия и Иран во вторник подписали в Тегеране меморандум о военно-морском "
            "сотрудничестве, договорившись о регулярном совместном патрулировании Каспия.",
            "Документ, который не был опубликован, подписали командующие флотами двух стран "
            "после трёхдневных переговоров, сообщили иранские государственные СМИ.",
            "Западные дипломаты отметили, что соглашение закрепляет порядок, существующий "
            "неформально с первых совместных учений в 2019 году.",
        ],
        "promos": [
            "Реклама",
            "Читайте также: Зачем Пекину Каспий",
            "Подписывайтесь на наш Telegram-канал",
            "Поделиться",
            "Теги: Иран, Россия, флот",
        ],
    },
    "zh": {
        "title": "俄伊签署海军合作备忘录",
        "paragraphs": [
            "俄罗斯和伊朗周二在德黑兰签署海军合作备忘录，双方承诺在里海定期举行联合巡逻。",
            "据伊朗官方媒体报道，两国海军司令在经过三天会谈后签署了这份尚未公布的文件。",
            "西方外交官表示，该协议将自2019年首次联合演习以来的非正式安排正式化。",
            "俄罗斯国防部发言人表示，更多细节将在下个月于莫斯科举行的国防部长会议后公布。"
            "他还说，两国海军将在今年秋天举行新一轮联合演习，届时中国海军也可能派舰参加。",
            "分析人士认为，这份备忘录显示三国在海上安全领域的协调正在加强，但目前尚无迹象"
            "表明三方将建立正式的军事同盟关系。",
        ],
        "promos": [
            "广告",
            "相关阅读：北京为何关注里海",
            "点击订阅我们的每日简报",
            "关注我们的微信公众号",
            "标签：伊朗、俄罗斯、海军",
        ],
    },
    "fa": {
        "title": "امضای تفاهم‌نامه همکاری دریایی ایران و روسیه",
        "paragraphs": [
            "ایران و روسیه روز سه‌شنبه در تهران تفاهم‌نامه‌ای برای همکاری دریایی امضا کردند "
            "و متعهد شدند گشت‌های مشترک منظمی در دریای خزر برگزار کنند.",
            "به گزارش رسانه‌های دولتی ایران، این سند پس از سه روز گفت‌وگو به امضای فرماندهان "
            "نیروی دریایی دو کشور رسید.",
            "دیپلمات‌های غربی گفتند این توافق ترتیباتی را رسمی می‌کند که از نخستین رزمایش "
            "مشترک در سال ۲۰۱۹ وجود داشته است.",
        ],
        "promos": [
            "تبلیغات",
            "بیشتر بخوانید: چرا خزر برای پکن مهم است",
            "در کانال تلگرام ما عضو شوید",
            "برچسب‌ها: ایران، روسیه، نیروی دریایی",
        ],
    },
    "ko": {
        "title": "러시아·이란, 해군 협력 양해각서 서명",
        "paragraphs": [
            "러시아와 이란은 화요일 테헤란에서 해군 협력 양해각서에 서명하고 카스피해에서 "
            "정기적인 합동 순찰을 하기로 했다.",
            "이란 국영 매체에 따르면 두 나라 해군 사령관이 사흘간의 회담 끝에 아직 공개되지 "
            "않은 이 문서에 서명했다.",
            "서방 외교관들은 이번 합의가 2019년 첫 합동 훈련 이후 비공식적으로 유지돼 온 "
            "관행을 공식화한 것이라고 말했다.",
            "러시아 국방부 대변인은 다음 달 모스크바에서 열리는 국방장관 회의 이후 세부 내용을 "
            "발표할 것이라고 밝혔다.",
        ],
        "promos": [
            "광고",
            "관련기사: 베이징이 카스피해에 주목하는 이유",
            "구독하기",
            "공유하기",
            "<ⓒ 카스피뉴스, 무단 전재 및 재배포 금지>",
        ],
    },
}


def page_html(lang: str) -> str:
    """The article with a promo line after each paragraph (and the rest at the end)."""
    page = PAGES[lang]
    blocks = []
    promos = list(page["promos"])
    for paragraph in page["paragraphs"]:
        blocks.append(f"<p>{paragraph}</p>")
        if promos:
            promo = promos.pop(0)
            escaped = promo.replace("<", "&lt;").replace(">", "&gt;")
            blocks.append(f'<p><a href="https://promo.example/x">{escaped}</a></p>')
    blocks += [f"<p>{promo.replace('<', '&lt;').replace('>', '&gt;')}</p>" for promo in promos]
    direction = ' dir="rtl"' if lang == "fa" else ""
    return (
        f'<!DOCTYPE html><html lang="{lang}"{direction}><head><meta charset="utf-8">'
        f"<title>{page['title']}</title></head><body><article><h1>{page['title']}</h1>"
        + "".join(blocks)
        + "</article></body></html>"
    )
