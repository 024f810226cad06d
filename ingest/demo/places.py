"""Home-country vocabulary for the demo's everyday news: names, capitals, parliaments, markets, clubs.

Everyday headlines speak of the outlet's own country ("{capital} traffic…", «البرلمان {adj_m}…»),
which is how real local news mentions countries. Every value is a plain phrase a template can drop in.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Place:
    en_name: str
    en_adj: str
    en_capital: str
    en_city: str  # a second city
    en_parliament: str
    en_market: str
    en_currency: str
    en_league: str
    ar_name: str
    ar_adj_m: str  # with the article: المصري
    ar_adj_f: str  # المصرية
    ar_capital: str
    ar_city: str
    ar_parliament: str
    ar_market: str
    ar_currency: str
    ar_league: str
    clubs_en: tuple[str, ...]
    clubs_ar: tuple[str, ...]
    hot: bool  # climate: temperature range used by weather stories


PLACES: dict[str, Place] = {
    "EG": Place("Egypt", "Egyptian", "Cairo", "Alexandria", "House of Representatives", "EGX30", "pound",
                "Egyptian Premier League", "مصر", "المصري", "المصرية", "القاهرة", "الإسكندرية", "مجلس النواب",
                "البورصة المصرية", "الجنيه", "الدوري المصري الممتاز", ("Al Ahly", "Zamalek", "Pyramids FC", "Al Masry"),
                ("الأهلي", "الزمالك", "بيراميدز", "المصري البورسعيدي"), True),
    "QA": Place("Qatar", "Qatari", "Doha", "Al Wakrah", "Shura Council", "Qatar Stock Exchange", "riyal",
                "Qatar Stars League", "قطر", "القطري", "القطرية", "الدوحة", "الوكرة", "مجلس الشورى",
                "بورصة قطر", "الريال القطري", "دوري نجوم قطر", ("Al Sadd", "Al Duhail", "Al Rayyan", "Al Gharafa"),
                ("السد", "الدحيل", "الريان", "الغرافة"), True),
    "SA": Place("Saudi Arabia", "Saudi", "Riyadh", "Jeddah", "Shura Council", "Tadawul", "riyal",
                "Saudi Pro League", "السعودية", "السعودي", "السعودية", "الرياض", "جدة", "مجلس الشورى",
                "السوق المالية السعودية", "الريال", "دوري روشن السعودي", ("Al Hilal", "Al Nassr", "Al Ittihad", "Al Ahli"),
                ("الهلال", "النصر", "الاتحاد", "الأهلي"), True),
    "AE": Place("the UAE", "Emirati", "Abu Dhabi", "Dubai", "Federal National Council", "Dubai Financial Market",
                "dirham", "UAE Pro League", "الإمارات", "الإماراتي", "الإماراتية", "أبوظبي", "دبي",
                "المجلس الوطني الاتحادي", "سوق دبي المالي", "الدرهم", "دوري أدنوك للمحترفين",
                ("Al Ain", "Shabab Al Ahli", "Al Wahda", "Sharjah"), ("العين", "شباب الأهلي", "الوحدة", "الشارقة"), True),
    "LB": Place("Lebanon", "Lebanese", "Beirut", "Tripoli", "Parliament", "Beirut Stock Exchange", "lira",
                "Lebanese Premier League", "لبنان", "اللبناني", "اللبنانية", "بيروت", "صيدا", "مجلس النواب",
                "بورصة بيروت", "الليرة", "الدوري اللبناني", ("Al Ansar", "Al Nejmeh", "Al Ahed", "Safa"),
                ("الأنصار", "النجمة", "العهد", "الصفاء"), True),
    "JO": Place("Jordan", "Jordanian", "Amman", "Aqaba", "House of Representatives", "Amman Stock Exchange", "dinar",
                "Jordanian Pro League", "الأردن", "الأردني", "الأردنية", "عمّان", "العقبة", "مجلس النواب",
                "بورصة عمّان", "الدينار", "دوري المحترفين الأردني", ("Al Faisaly", "Al Wehdat", "Al Hussein", "Al Ramtha"),
                ("الفيصلي", "الوحدات", "الحسين إربد", "الرمثا"), True),
    "IQ": Place("Iraq", "Iraqi", "Baghdad", "Basra", "Council of Representatives", "Iraq Stock Exchange", "dinar",
                "Iraq Stars League", "العراق", "العراقي", "العراقية", "بغداد", "البصرة", "مجلس النواب",
                "سوق العراق للأوراق المالية", "الدينار", "دوري نجوم العراق", ("Al Shorta", "Al Zawraa", "Al Quwa Al Jawiya", "Naft Al Basra"),
                ("الشرطة", "الزوراء", "القوة الجوية", "نفط البصرة"), True),
    "RU": Place("Russia", "Russian", "Moscow", "St Petersburg", "State Duma", "MOEX index", "rouble",
                "Russian Premier League", "روسيا", "الروسي", "الروسية", "موسكو", "سانت بطرسبرغ", "مجلس الدوما",
                "بورصة موسكو", "الروبل", "الدوري الروسي الممتاز", ("Zenit", "Spartak Moscow", "CSKA Moscow", "Lokomotiv"),
                ("زينيت", "سبارتاك موسكو", "سسكا موسكو", "لوكوموتيف"), False),
    "TR": Place("Türkiye", "Turkish", "Ankara", "Istanbul", "Grand National Assembly", "BIST 100", "lira",
                "Süper Lig", "تركيا", "التركي", "التركية", "أنقرة", "إسطنبول", "البرلمان", "بورصة إسطنبول",
                "الليرة التركية", "الدوري التركي", ("Galatasaray", "Fenerbahçe", "Beşiktaş", "Trabzonspor"),
                ("غلطة سراي", "فنربخشة", "بشكتاش", "طرابزون سبور"), False),
    "US": Place("the United States", "US", "Washington", "New York", "Congress", "S&P 500", "dollar",
                "NBA", "الولايات المتحدة", "الأمريكي", "الأمريكية", "واشنطن", "نيويورك", "الكونغرس",
                "وول ستريت", "الدولار", "الدوري الأمريكي لكرة السلة", ("the Lakers", "the Celtics", "the Knicks", "the Warriors"),
                ("ليكرز", "سلتيكس", "نيكس", "ووريرز"), False),
    "GB": Place("Britain", "British", "London", "Manchester", "Parliament", "FTSE 100", "pound",
                "Premier League", "بريطانيا", "البريطاني", "البريطانية", "لندن", "مانشستر", "البرلمان",
                "بورصة لندن", "الجنيه الإسترليني", "الدوري الإنجليزي الممتاز", ("Arsenal", "Liverpool", "Manchester City", "Chelsea"),
                ("آرسنال", "ليفربول", "مانشستر سيتي", "تشيلسي"), False),
    "FR": Place("France", "French", "Paris", "Marseille", "National Assembly", "CAC 40", "euro", "Ligue 1",
                "فرنسا", "الفرنسي", "الفرنسية", "باريس", "مرسيليا", "الجمعية الوطنية", "بورصة باريس", "اليورو",
                "الدوري الفرنسي", ("Paris Saint-Germain", "Marseille", "Lyon", "Monaco"),
                ("باريس سان جيرمان", "مرسيليا", "ليون", "موناكو"), False),
    "DE": Place("Germany", "German", "Berlin", "Hamburg", "Bundestag", "DAX", "euro", "Bundesliga",
                "ألمانيا", "الألماني", "الألمانية", "برلين", "هامبورغ", "البوندستاغ", "بورصة فرانكفورت", "اليورو",
                "الدوري الألماني", ("Bayern Munich", "Borussia Dortmund", "Bayer Leverkusen", "RB Leipzig"),
                ("بايرن ميونخ", "بوروسيا دورتموند", "باير ليفركوزن", "لايبزيغ"), False),
}


def place_slots(country: str, language: str) -> dict[str, tuple[str, ...]]:
    """The home-country slots ({home}, {capital}, …) for an outlet of `country` writing in `language`."""
    p = PLACES[country]
    if language == "ar":
        return {
            "home": (p.ar_name,), "adj_m": (p.ar_adj_m,), "adj_f": (p.ar_adj_f,), "capital": (p.ar_capital,),
            "city": (p.ar_city,), "parliament": (p.ar_parliament,), "market": (p.ar_market,),
            "currency": (p.ar_currency,), "league": (p.ar_league,), "club": p.clubs_ar, "club2": p.clubs_ar,
        }
    return {
        "home": (p.en_name,), "adj": (p.en_adj,), "capital": (p.en_capital,), "city": (p.en_city,),
        "parliament": (p.en_parliament,), "market": (p.en_market,), "currency": (p.en_currency,),
        "league": (p.en_league,), "club": p.clubs_en, "club2": p.clubs_en,
    }
