# ruff: noqa: E501  (hand-written reports, one per line)
"""The hand-written source of the clustering labelled set (tests/data/eval/clustering.jsonl).

Every report below was written for this set: fictional events of one week
(Monday 2 to Friday 6 November 2026) in the style of wire and newspaper feeds,
in English, Spanish, French and Arabic. A report may list *copies*: the same
wire text carried by other outlets minutes later, as feeds do. The copies are
made by ``expand()`` with the edits outlets make (a name suffix on the headline,
a dateline, the summary cut to its first sentence, the headline re-cased), so
they are near-duplicates, not identical rows. Run this file to rewrite the
JSONL: ``python tests/data/eval/clustering_source.py``.

What is hard here, on purpose (docs/events.md says how each fares):
- five daily Wall Street closing reports and two gold-price reports: the same
  format and vocabulary every day, different events;
- two votes in Peru's Congress in one week (a censure, a pension bill), two
  Champions League matches on consecutive nights, two earthquakes, two COP31
  stories, three central banks' rate decisions: same topics, different events;
- the same event told in four languages, where only names, numbers and
  matched topics are shared (Arabic shares no word with the rest);
- an event followed over three days (the Oaxaca earthquake's toll rising);
- singletons: one-off stories, many on the same countries as the events.
"""

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

OUTLETS = {
    # slug: (name, language, country)
    "reuters": ("Reuters", "en", "GB"),
    "apnews": ("AP News", "en", "US"),
    "afp-en": ("AFP", "en", "FR"),
    "bbc": ("BBC News", "en", "GB"),
    "guardian": ("The Guardian", "en", "GB"),
    "aljazeera-en": ("Al Jazeera English", "en", "QA"),
    "nyt": ("The New York Times", "en", "US"),
    "dw-en": ("DW", "en", "DE"),
    "france24-en": ("France 24", "en", "FR"),
    "elpais": ("El País", "es", "ES"),
    "lajornada": ("La Jornada", "es", "MX"),
    "elcomercio": ("El Comercio", "es", "PE"),
    "infobae": ("Infobae", "es", "AR"),
    "efe": ("EFE", "es", "ES"),
    "lemonde": ("Le Monde", "fr", "FR"),
    "france24-fr": ("France 24 (français)", "fr", "FR"),
    "rfi": ("RFI", "fr", "FR"),
    "aljazeera-ar": ("الجزيرة", "ar", "QA"),
    "asharq": ("الشرق الأوسط", "ar", "SA"),
    "bbc-ar": ("بي بي سي عربي", "ar", "GB"),
}

# Topics as an editor would have set them up, aliases in the four languages where they differ.
TOPICS = [
    ("Peru", "country", ["Perú", "Pérou", "بيرو", "Lima"]),
    ("Mexico", "country", ["México", "Mexique", "المكسيك"]),
    ("Betssy Chávez", "person", ["Betssy Chavez", "بيتسي تشافيز"]),
    ("Claudia Sheinbaum", "person", ["Sheinbaum", "شينباوم"]),
    ("Congress of Peru", "organisation", ["Peru's Congress", "Congreso del Perú", "Congrès péruvien", "Peruvian Congress"]),
    ("Oaxaca", "place", ["واهاكا"]),
    ("Wall Street", "organisation", ["S&P 500", "Dow Jones", "Nasdaq", "وول ستريت"]),
    ("Gold", "theme", ["gold price", "precio del oro", "cours de l'or", "الذهب"]),
    ("OPEC", "organisation", ["OPEP", "أوبك", "OPEC+"]),
    (
        "European Central Bank",
        "organisation",
        ["ECB", "BCE", "Banco Central Europeo", "Banque centrale européenne", "المركزي الأوروبي"],
    ),
    ("Christine Lagarde", "person", ["Lagarde", "لاغارد"]),
    ("COP31", "event", ["COP 31", "كوب31"]),
    ("Egypt", "country", ["Egipto", "Égypte", "مصر"]),
    ("Saudi Arabia", "country", ["Arabia Saudita", "Arabie saoudite", "السعودية"]),
    ("Sudan", "country", ["Sudán", "Soudan", "السودان"]),
    ("Morocco", "country", ["Marruecos", "Maroc", "المغرب"]),
    ("France", "country", ["Francia", "فرنسا"]),
    ("Spain", "country", ["España", "Espagne", "إسبانيا"]),
    ("Valencia", "place", ["València", "فالنسيا"]),
    ("Argentina", "country", ["Argentine", "الأرجنتين"]),
    ("Brazil", "country", ["Brasil", "Brésil", "البرازيل"]),
    ("Colombia", "country", ["Colombie", "كولومبيا"]),
    ("ELN", "organisation", ["National Liberation Army", "Ejército de Liberación Nacional"]),
    ("Cuba", "country", ["كوبا"]),
    ("NASA", "organisation", ["ناسا"]),
    ("Tesla", "organisation", ["تسلا"]),
    ("European Commission", "organisation", ["Comisión Europea", "Commission européenne", "المفوضية الأوروبية"]),
    ("Meta", "organisation", ["ميتا"]),
    ("Real Madrid", "organisation", ["ريال مدريد"]),
    ("Liverpool", "organisation", ["ليفربول"]),
    ("FC Barcelona", "organisation", ["Barcelona", "Barça", "برشلونة"]),
    ("Inter Milan", "organisation", ["Inter", "إنتر"]),
    ("Ukraine", "country", ["Ucrania", "أوكرانيا"]),
    ("Russia", "country", ["Rusia", "Russie", "روسيا"]),
    ("Philippines", "country", ["Filipinas", "الفلبين"]),
    ("World Health Organization", "organisation", ["WHO", "OMS", "Organización Mundial de la Salud", "منظمة الصحة العالمية"]),
    ("Louvre", "place", ["Museo del Louvre", "musée du Louvre", "اللوفر"]),
    ("Bolivia", "country", ["Bolivie", "بوليفيا"]),
    ("Canada", "country", ["Canadá", "كندا"]),
    ("United Kingdom", "country", ["UK", "Britain", "Reino Unido", "Royaume-Uni", "بريطانيا"]),
    ("Germany", "country", ["Alemania", "Allemagne", "ألمانيا"]),
    ("Japan", "country", ["Japón", "Japon", "اليابان"]),
    ("Banxico", "organisation", ["Bank of Mexico", "Banco de México", "Banque du Mexique"]),
    ("Machu Picchu", "place", ["ماتشو بيتشو"]),
    ("Honduras", "country", ["هندوراس"]),
]

# event id → reports: (outlet, day 1-5, "HH:MM", title, summary, copies)
# copies: [(outlet, minutes after), ...]: the same wire text in another outlet's feed.
EVENTS: dict[str, list] = {}


def event(name: str, *reports) -> None:
    EVENTS[name] = list(reports)


def r(outlet, day, hhmm, title, summary, copies=()):
    return (outlet, day, hhmm, title, summary, list(copies))


# ---------------------------------------------------------------------------
event(
    "peru-mexico-asylum",
    r(
        "asharq",
        2,
        "09:30",
        "المكسيك تطالب بيرو بممر آمن لتشافيز بعد قطع العلاقات",
        "طالبت الحكومة المكسيكية ليما بالسماح لرئيسة الوزراء البيروفية السابقة بيتسي تشافيز بمغادرة السفارة استنادا إلى اتفاقية كراكاس.",
    ),
    r(
        "rfi",
        2,
        "11:00",
        "Crise Pérou-Mexique : Mexico réclame un sauf-conduit pour Betssy Chávez",
        "Le gouvernement de Claudia Sheinbaum invoque la convention de Caracas sur l'asile diplomatique.",
        [("france24-fr", 25)],
    ),
    r(
        "aljazeera-en",
        2,
        "14:00",
        "Peru recalls remaining diplomats from Mexico City as asylum row deepens",
        "Peru ordered its remaining diplomats home from Mexico City on Tuesday as the dispute over the asylum granted to Betssy Chávez deepened.",
    ),
    r(
        "reuters",
        1,
        "08:10",
        "Peru severs diplomatic ties with Mexico over asylum for ex-PM Betssy Chávez",
        "Peru said on Monday it was breaking off diplomatic relations with Mexico after the Mexican embassy in Lima granted asylum to former prime minister Betssy Chávez, who is on trial over the failed 2022 dissolution of Congress.",
        [("guardian", 25), ("aljazeera-en", 40), ("dw-en", 55), ("nyt", 70)],
    ),
    r(
        "apnews",
        1,
        "08:45",
        "Peru cuts ties with Mexico after embassy shelters former prime minister",
        "LIMA, Peru (AP) — Peru's government ended diplomatic relations with Mexico on Monday, hours after Betssy Chávez, a former prime minister facing a rebellion trial, took refuge in the Mexican ambassador's residence in Lima.",
        [("france24-en", 30), ("bbc", 50)],
    ),
    r(
        "elcomercio",
        1,
        "07:55",
        "Perú rompe relaciones diplomáticas con México por asilo a Betssy Chávez",
        "La Cancillería anunció la ruptura de relaciones con México luego de que la embajada mexicana en Lima concediera asilo a la ex primera ministra Betssy Chávez, procesada por el intento de disolver el Congreso en 2022.",
        [("infobae", 35), ("efe", 45)],
    ),
    r(
        "lajornada",
        1,
        "10:20",
        "Sheinbaum defiende el asilo a Betssy Chávez tras la ruptura con Perú",
        "La presidenta Claudia Sheinbaum afirmó que México actuó conforme a la Convención de Caracas sobre asilo diplomático al proteger a Betssy Chávez y lamentó la decisión de Lima de romper relaciones.",
    ),
    r(
        "lemonde",
        1,
        "11:00",
        "Le Pérou rompt ses relations diplomatiques avec le Mexique",
        "Lima reproche à Mexico d'avoir accordé l'asile à l'ancienne première ministre Betssy Chávez, poursuivie pour la tentative de dissolution du Congrès en 2022.",
        [("france24-fr", 20), ("rfi", 40)],
    ),
    r(
        "aljazeera-ar",
        1,
        "12:05",
        "بيرو تقطع علاقاتها الدبلوماسية مع المكسيك بسبب لجوء بيتسي تشافيز",
        "أعلنت بيرو قطع علاقاتها مع المكسيك بعد أن منحت السفارة المكسيكية في ليما حق اللجوء لرئيسة الوزراء السابقة بيتسي تشافيز.",
        [("asharq", 45)],
    ),
    r(
        "reuters",
        1,
        "16:30",
        "Mexico says Peru must grant safe passage to Chávez after diplomatic rupture",
        "Mexico's foreign ministry said on Monday that Peru was obliged under the 1954 Caracas Convention to grant safe conduct to Betssy Chávez so she can leave the embassy in Lima for Mexico.",
        [("guardian", 30)],
    ),
    r(
        "elpais",
        2,
        "09:00",
        "México pide un salvoconducto para Betssy Chávez tras la ruptura con Perú",
        "El Gobierno de Claudia Sheinbaum exige a Lima que permita la salida de la ex primera ministra peruana, refugiada en la residencia de la embajada mexicana, según la Convención de Caracas.",
    ),
    r(
        "bbc",
        2,
        "10:15",
        "Peru-Mexico row: what we know about Betssy Chávez's asylum",
        "Peru has severed ties with Mexico over the asylum granted to former prime minister Betssy Chávez. Here is what we know about the diplomatic row and the Caracas Convention.",
    ),
)

event(
    "oaxaca-earthquake",
    r(
        "aljazeera-ar",
        2,
        "12:30",
        "ارتفاع حصيلة زلزال المكسيك إلى 14 قتيلا وشينباوم تزور واهاكا",
        "ارتفعت حصيلة ضحايا الزلزال الذي بلغت قوته 6.8 درجات في ولاية واهاكا إلى 14 قتيلا.",
        [("bbc-ar", 30)],
    ),
    r(
        "rfi",
        2,
        "13:00",
        "Séisme au Mexique : le bilan s'alourdit à 14 morts dans l'Oaxaca",
        "La présidente Claudia Sheinbaum s'est rendue dans les villages de la Sierra Sur touchés par le séisme de magnitude 6,8.",
        [("france24-fr", 20)],
    ),
    r(
        "reuters",
        1,
        "04:20",
        "Magnitude 6.8 earthquake strikes Oaxaca in southern Mexico",
        "A magnitude 6.8 earthquake struck the southern Mexican state of Oaxaca early on Monday, shaking buildings in Mexico City and killing at least nine people, authorities said.",
        [("guardian", 20), ("aljazeera-en", 35), ("dw-en", 40), ("nyt", 60)],
    ),
    r(
        "apnews",
        1,
        "04:50",
        "Powerful quake rocks southern Mexico, at least 9 dead",
        "OAXACA, Mexico (AP) — A powerful 6.8 magnitude earthquake hit Oaxaca state before dawn Monday, collapsing homes in mountain towns and sending people into the streets of Mexico City as alarms sounded.",
        [("france24-en", 25), ("bbc", 45)],
    ),
    r(
        "lajornada",
        1,
        "04:30",
        "Sismo de magnitud 6.8 sacude Oaxaca; al menos nueve muertos",
        "Un sismo de magnitud 6.8 con epicentro en Oaxaca se sintió en la Ciudad de México; Protección Civil reporta al menos nueve fallecidos y daños en viviendas de la Sierra Sur.",
        [("infobae", 30), ("efe", 40)],
    ),
    r(
        "lemonde",
        1,
        "08:00",
        "Mexique : un séisme de magnitude 6,8 frappe l'Etat d'Oaxaca",
        "Le tremblement de terre, ressenti jusqu'à Mexico, a fait au moins neuf morts selon la protection civile mexicaine.",
        [("france24-fr", 15), ("rfi", 30)],
    ),
    r(
        "aljazeera-ar",
        1,
        "07:30",
        "زلزال بقوة 6.8 درجات يضرب ولاية واهاكا جنوبي المكسيك",
        "ضرب زلزال بقوة 6.8 درجات ولاية واهاكا في جنوب المكسيك وأودى بحياة تسعة أشخاص على الأقل.",
        [("bbc-ar", 30), ("asharq", 50)],
    ),
    r(
        "reuters",
        1,
        "15:10",
        "Death toll from Mexico quake rises to 12 as rescuers search rubble in Oaxaca",
        "The death toll from Monday's magnitude 6.8 earthquake in Oaxaca rose to 12, Mexico's civil protection agency said, as rescuers searched collapsed homes in the Sierra Sur region.",
        [("guardian", 30), ("dw-en", 45)],
    ),
    r(
        "lajornada",
        2,
        "09:00",
        "Suben a 14 los muertos por el sismo en Oaxaca; Sheinbaum visita la zona",
        "La presidenta Claudia Sheinbaum recorrió las comunidades más afectadas por el sismo de magnitud 6.8 y anunció un censo de viviendas dañadas en la Sierra Sur de Oaxaca.",
        [("efe", 30)],
    ),
    r(
        "apnews",
        2,
        "12:00",
        "Mexico quake toll climbs to 14; Sheinbaum promises aid for Oaxaca towns",
        "MEXICO CITY (AP) — President Claudia Sheinbaum visited mountain villages in Oaxaca on Tuesday as the death toll from the 6.8 magnitude earthquake rose to 14.",
        [("nyt", 40)],
    ),
    r(
        "elpais",
        3,
        "10:00",
        "Las réplicas mantienen en vilo a la Sierra Sur de Oaxaca tres días después del sismo",
        "Más de 300 réplicas se han registrado desde el terremoto de magnitud 6.8 del lunes; miles de familias duermen en la calle en Oaxaca.",
    ),
    r(
        "bbc",
        3,
        "11:30",
        "Oaxaca earthquake: Villagers sleep outside as aftershocks continue",
        "More than 300 aftershocks have rattled Oaxaca since Monday's 6.8 magnitude earthquake, which killed 14 people in southern Mexico.",
    ),
)

event(
    "japan-earthquake",
    r(
        "reuters",
        4,
        "02:15",
        "Magnitude 6.1 earthquake strikes off Hokkaido, no tsunami warning",
        "A magnitude 6.1 earthquake struck off the coast of Hokkaido in northern Japan on Thursday, the Japan Meteorological Agency said, with no tsunami warning issued and no immediate reports of damage.",
        [("guardian", 30), ("dw-en", 45), ("aljazeera-en", 50)],
    ),
    r(
        "apnews",
        4,
        "02:40",
        "Quake shakes northern Japan; nuclear plants report no abnormalities",
        "TOKYO (AP) — A 6.1 magnitude earthquake shook Hokkaido early Thursday. Operators said the Tomari nuclear plant showed no abnormalities and bullet train services were briefly halted.",
        [("nyt", 30)],
    ),
    r(
        "efe",
        4,
        "03:10",
        "Un terremoto de magnitud 6,1 sacude el norte de Japón sin alerta de tsunami",
        "El sismo, con epicentro frente a la costa de Hokkaido, no causó daños de consideración según la Agencia Meteorológica de Japón.",
    ),
    r(
        "aljazeera-ar",
        4,
        "05:00",
        "زلزال بقوة 6.1 درجات يضرب قبالة هوكايدو شمالي اليابان",
        "ضرب زلزال بقوة 6.1 درجات قبالة سواحل جزيرة هوكايدو في اليابان دون إصدار تحذير من تسونامي.",
    ),
)

event(
    "peru-congress-censure",
    r(
        "reuters",
        2,
        "20:10",
        "Peru's Congress censures interior minister over crime wave",
        "Peru's Congress voted 78-30 on Tuesday to censure Interior Minister Juan Carlos Malca over a surge in extortion killings in Lima, forcing him to resign within 72 hours.",
        [("guardian", 40), ("aljazeera-en", 60)],
    ),
    r(
        "elcomercio",
        2,
        "19:45",
        "Congreso censura al ministro del Interior Juan Carlos Malca con 78 votos",
        "El pleno del Congreso aprobó la moción de censura contra el ministro del Interior por la ola de extorsiones en Lima; el titular deberá dimitir en 72 horas.",
        [("infobae", 30), ("efe", 35)],
    ),
    r(
        "elpais",
        3,
        "08:30",
        "La censura del ministro del Interior abre otra crisis en el Gobierno de Perú",
        "La salida de Juan Carlos Malca, censurado por 78 votos a 30, deja al Ejecutivo peruano sin su quinto ministro del Interior en un año.",
    ),
    r(
        "rfi",
        3,
        "09:00",
        "Pérou : le Congrès censure le ministre de l'Intérieur",
        "Le Congrès péruvien a voté par 78 voix contre 30 la censure du ministre de l'Intérieur Juan Carlos Malca, critiqué pour la vague d'extorsions à Lima.",
    ),
)

event(
    "peru-congress-pensions",
    r(
        "reuters",
        4,
        "21:00",
        "Peru's Congress approves eighth withdrawal from private pension funds",
        "Peru's Congress voted 95-12 on Thursday to let workers withdraw up to 4 UITs from private pension funds, the eighth such withdrawal since 2020, despite warnings from the central bank.",
        [("guardian", 45)],
    ),
    r(
        "elcomercio",
        4,
        "20:30",
        "Congreso aprueba octavo retiro de fondos de las AFP con 95 votos",
        "El pleno aprobó el retiro de hasta 4 UIT de los fondos de pensiones privados; el Banco Central de Reserva advirtió sobre el impacto en el mercado de capitales.",
        [("infobae", 25), ("efe", 40)],
    ),
    r(
        "elpais",
        5,
        "09:15",
        "Perú aprueba un nuevo retiro de pensiones privadas, el octavo desde 2020",
        "El Congreso peruano autorizó con 95 votos a favor un nuevo retiro de las AFP pese a las advertencias del Banco Central.",
    ),
    r(
        "lemonde",
        5,
        "10:00",
        "Au Pérou, le Congrès autorise un huitième retrait des fonds de pension",
        "Les députés péruviens ont voté à 95 voix contre 12 un nouveau retrait anticipé de l'épargne retraite privée.",
    ),
)


JOURS = {"monday": "lundi", "tuesday": "mardi", "wednesday": "mercredi", "thursday": "jeudi", "friday": "vendredi"}


def _wallst(day, name, dow, sp, nasdaq, theme_en, theme_es, extra):
    event(
        f"wall-street-{name}",
        r(
            "reuters",
            day,
            "21:05",
            f"Wall Street ends {dow} as {theme_en}",
            f"U.S. stocks closed {extra} on {name.title()}; the S&P 500 {sp} and the Nasdaq {nasdaq} as investors weighed {theme_en}.",
            [("guardian", 20), ("nyt", 35)],
        ),
        r(
            "apnews",
            day,
            "21:20",
            f"Stock market today: Wall Street {dow} as {theme_en}",
            f"NEW YORK (AP) — Stocks finished {extra} on {name.title()}. The S&P 500 {sp}, the Dow Jones Industrial Average moved with it and the Nasdaq composite {nasdaq}.",
        ),
        r(
            "france24-fr",
            day,
            "22:30",
            f"Wall Street termine la séance du {JOURS[name]} ({sp})",
            f"La Bourse de New York a clôturé {extra} ; le S&P 500 {sp} et le Nasdaq {nasdaq}.",
        ),
        r(
            "infobae",
            day,
            "22:00",
            f"Wall Street cierra {theme_es}",
            f"Los índices de Nueva York terminaron la sesión del {name}; el S&P 500 {sp.replace('rose', 'subió').replace('fell', 'cayó')} y el Nasdaq {nasdaq.replace('rose', 'subió').replace('fell', 'cayó')}.",
        ),
    )


_wallst(
    1,
    "monday",
    "higher",
    "rose 0.6%",
    "rose 0.9%",
    "chipmakers rally ahead of earnings",
    "al alza por el repunte de los fabricantes de chips",
    "higher",
)
_wallst(2, "tuesday", "lower", "fell 0.4%", "fell 0.7%", "bond yields climb", "a la baja por el alza de los bonos", "lower")
_wallst(
    3,
    "wednesday",
    "mixed",
    "rose 0.1%",
    "fell 0.2%",
    "oil jumps after OPEC+ decision",
    "mixto tras la decisión de la OPEP+",
    "mixed",
)
_wallst(
    4,
    "thursday",
    "lower",
    "fell 1.1%",
    "fell 1.6%",
    "tech sell-off deepens",
    "con fuertes pérdidas por la venta de tecnológicas",
    "sharply lower",
)
_wallst(
    5,
    "friday",
    "higher",
    "rose 0.8%",
    "rose 1.2%",
    "jobs report eases rate worries",
    "al alza tras el informe de empleo",
    "higher",
)

event(
    "gold-record",
    r(
        "reuters",
        1,
        "10:30",
        "Gold hits record above $4,400 as dollar weakens",
        "Spot gold rose to an all-time high of $4,412 an ounce on Monday as the dollar slipped and investors bet on further rate cuts.",
        [("dw-en", 30), ("aljazeera-en", 45)],
    ),
    r(
        "efe",
        1,
        "12:00",
        "El oro marca un récord por encima de 4.400 dólares la onza",
        "El precio del oro alcanzó un máximo histórico de 4.412 dólares por onza impulsado por la debilidad del dólar.",
    ),
    r(
        "asharq",
        1,
        "13:00",
        "الذهب يسجل مستوى قياسيا فوق 4400 دولار للأونصة",
        "ارتفع سعر الذهب إلى مستوى قياسي بلغ 4412 دولارا للأونصة مع تراجع الدولار.",
    ),
)
event(
    "gold-slips",
    r(
        "reuters",
        4,
        "10:45",
        "Gold slips from record as traders take profits before ECB decision",
        "Gold fell 1.8% to $4,331 an ounce on Thursday as traders locked in gains after last week's record high and the dollar firmed ahead of the European Central Bank decision.",
        [("dw-en", 30)],
    ),
    r(
        "infobae",
        4,
        "12:30",
        "El oro retrocede desde su máximo histórico por la toma de ganancias",
        "La onza de oro cayó 1,8% hasta 4.331 dólares ante la recogida de beneficios y un dólar más firme.",
    ),
)

event(
    "opec-cuts",
    r(
        "reuters",
        3,
        "13:00",
        "OPEC+ agrees to extend oil output cuts into first quarter of 2027",
        "OPEC+ agreed on Wednesday to extend voluntary oil output cuts of 1.65 million barrels per day until the end of March 2027, sending Brent crude up 3% to $71 a barrel.",
        [("guardian", 30), ("aljazeera-en", 35), ("dw-en", 50)],
    ),
    r(
        "apnews",
        3,
        "13:40",
        "Oil prices jump after OPEC+ extends production cuts",
        "VIENNA (AP) — Oil prices rose sharply after the OPEC+ alliance led by Saudi Arabia and Russia agreed to keep 1.65 million barrels a day off the market until March 2027.",
    ),
    r(
        "asharq",
        3,
        "14:00",
        "أوبك+ تمدد خفض الإنتاج حتى نهاية مارس 2027",
        "اتفق تحالف أوبك+ على تمديد التخفيضات الطوعية البالغة 1.65 مليون برميل يوميا حتى نهاية مارس 2027، وارتفع خام برنت 3 في المئة.",
        [("aljazeera-ar", 30)],
    ),
    r(
        "efe",
        3,
        "15:00",
        "La OPEP+ prolonga los recortes de producción de crudo hasta marzo de 2027",
        "El grupo mantendrá fuera del mercado 1,65 millones de barriles diarios; el Brent sube un 3% hasta 71 dólares.",
    ),
    r(
        "lemonde",
        3,
        "16:00",
        "L'OPEP+ prolonge ses baisses de production jusqu'en mars 2027",
        "Les pays producteurs maintiennent leurs réductions volontaires de 1,65 million de barils par jour ; le Brent bondit de 3 %.",
    ),
)

event(
    "ecb-rates",
    r(
        "reuters",
        4,
        "13:20",
        "ECB holds rates at 2% as Lagarde signals patience",
        "The European Central Bank kept its deposit rate at 2% on Thursday for a fourth straight meeting, with President Christine Lagarde saying inflation was close to target.",
        [("guardian", 25), ("dw-en", 30), ("france24-en", 45)],
    ),
    r(
        "lemonde",
        4,
        "14:00",
        "La BCE maintient ses taux à 2 %, Christine Lagarde se dit patiente",
        "La Banque centrale européenne a laissé son taux de dépôt inchangé pour la quatrième réunion consécutive.",
        [("france24-fr", 20)],
    ),
    r(
        "elpais",
        4,
        "14:30",
        "El BCE mantiene los tipos en el 2% por cuarta reunión consecutiva",
        "Christine Lagarde asegura que la inflación está cerca del objetivo y que el Banco Central Europeo no tiene prisa por mover los tipos.",
    ),
    r(
        "asharq",
        4,
        "15:30",
        "المركزي الأوروبي يبقي الفائدة عند 2 في المئة",
        "أبقى البنك المركزي الأوروبي سعر الفائدة على الودائع عند 2 في المئة للاجتماع الرابع على التوالي، وقالت لاغارد إن التضخم قريب من الهدف.",
    ),
)

event(
    "egypt-rates",
    r(
        "reuters",
        4,
        "18:10",
        "Egypt's central bank cuts key rates by 100 basis points",
        "Egypt's central bank cut its overnight deposit rate by 100 basis points to 20% on Thursday, citing slowing inflation, which eased to 11.8% in October.",
        [("aljazeera-en", 40)],
    ),
    r(
        "aljazeera-ar",
        4,
        "18:30",
        "البنك المركزي المصري يخفض أسعار الفائدة 100 نقطة أساس",
        "خفض البنك المركزي المصري سعر عائد الإيداع لليلة واحدة بمقدار 100 نقطة أساس إلى 20 في المئة بعد تباطؤ التضخم إلى 11.8 في المئة.",
        [("asharq", 20), ("bbc-ar", 40)],
    ),
)

event(
    "banxico-rates",
    r(
        "reuters",
        5,
        "19:05",
        "Mexico's central bank cuts rate to 6.75%, signals end of easing",
        "Banxico lowered its benchmark interest rate by 25 basis points to 6.75% on Friday and said the easing cycle was near its end.",
        [("nyt", 40)],
    ),
    r(
        "lajornada",
        5,
        "19:00",
        "Banxico recorta la tasa de interés a 6.75%",
        "La Junta de Gobierno del Banco de México redujo en 25 puntos base la tasa objetivo y anticipó una pausa en los recortes.",
        [("infobae", 30), ("efe", 35)],
    ),
)

event(
    "us-jobs",
    r(
        "asharq",
        5,
        "15:00",
        "الاقتصاد الأميركي يضيف 145 ألف وظيفة في أكتوبر",
        "أضاف أصحاب العمل في الولايات المتحدة 145 ألف وظيفة الشهر الماضي واستقر معدل البطالة عند 4.3 في المئة.",
    ),
    r(
        "reuters",
        5,
        "13:35",
        "US economy adds 145,000 jobs in October, unemployment steady at 4.3%",
        "U.S. employers added 145,000 jobs in October, more than expected, while the unemployment rate held at 4.3%, the Labor Department said on Friday.",
        [("guardian", 20), ("nyt", 25), ("dw-en", 40)],
    ),
    r(
        "apnews",
        5,
        "13:40",
        "Hiring picks up in October as employers add 145,000 jobs",
        "WASHINGTON (AP) — America's employers stepped up hiring last month, adding 145,000 jobs, and the unemployment rate stayed at 4.3%.",
    ),
    r(
        "efe",
        5,
        "14:30",
        "Estados Unidos creó 145.000 empleos en octubre y el paro se mantiene en el 4,3%",
        "La economía estadounidense sumó 145.000 puestos de trabajo, por encima de lo previsto, según el Departamento de Trabajo.",
    ),
)

event(
    "cop31-opens",
    r(
        "reuters",
        1,
        "09:30",
        "COP31 climate summit opens in Antalya with calls to cut methane",
        "The COP31 United Nations climate summit opened in Antalya, Turkey, on Monday, with the host presidency urging nearly 200 countries to agree on deep cuts to methane emissions.",
        [("guardian", 30), ("aljazeera-en", 40), ("dw-en", 50)],
    ),
    r(
        "afp-en",
        1,
        "10:00",
        "UN climate talks open in Turkey under shadow of record heat",
        "Delegates from nearly 200 nations gathered in Antalya for COP31 after a year that scientists say will be among the two hottest on record.",
        [("france24-en", 20)],
    ),
    r(
        "lemonde",
        1,
        "11:00",
        "La COP31 s'ouvre à Antalya avec l'ambition de réduire le méthane",
        "La conférence des Nations unies sur le climat réunit près de 200 pays en Turquie pendant deux semaines.",
        [("france24-fr", 30), ("rfi", 45)],
    ),
    r(
        "elpais",
        1,
        "12:00",
        "Arranca la COP31 en Antalya con el metano en el centro de la negociación",
        "Casi 200 países se reúnen en Turquía en la cumbre del clima de la ONU tras un año de calor récord.",
    ),
    r(
        "aljazeera-ar",
        1,
        "13:00",
        "انطلاق قمة المناخ كوب31 في أنطاليا التركية",
        "انطلقت في مدينة أنطاليا التركية قمة الأمم المتحدة للمناخ كوب31 بمشاركة نحو 200 دولة.",
    ),
)
event(
    "cop31-finance",
    r(
        "asharq",
        4,
        "18:00",
        "الدول الغنية تتعهد بـ40 مليار دولار للتكيف المناخي في كوب31",
        "تعهدت مجموعة من الدول الغنية بتقديم 40 مليار دولار لمساعدة الدول الفقيرة على التكيف مع تغير المناخ.",
    ),
    r(
        "reuters",
        4,
        "16:00",
        "Rich nations pledge $40 billion for climate adaptation at COP31",
        "A group of wealthy countries pledged $40 billion on Thursday for poorer nations to adapt to climate change, in the first big finance announcement of the COP31 talks in Antalya.",
        [("guardian", 30), ("aljazeera-en", 45)],
    ),
    r(
        "afp-en",
        4,
        "16:30",
        "COP31: $40 bn adaptation pledge falls short, say vulnerable nations",
        "Small island states said the new $40 billion pledge for climate adaptation was far below the needs of countries already hit by floods and droughts.",
        [("france24-en", 20)],
    ),
    r(
        "rfi",
        4,
        "17:00",
        "COP31 : 40 milliards de dollars promis pour l'adaptation, jugés insuffisants",
        "Les petits États insulaires estiment que l'annonce des pays riches est loin de couvrir leurs besoins face au changement climatique.",
    ),
)

event(
    "saudi-solar",
    r(
        "reuters",
        3,
        "08:00",
        "Saudi Arabia signs deals for 15 GW of solar power with ACWA Power",
        "Saudi Arabia signed agreements on Wednesday for seven solar plants with a combined capacity of 15 gigawatts, developed by ACWA Power, the energy ministry said.",
        [("aljazeera-en", 50)],
    ),
    r(
        "asharq",
        3,
        "08:30",
        "السعودية توقع اتفاقيات لمشروعات طاقة شمسية بقدرة 15 غيغاواط",
        "وقعت وزارة الطاقة السعودية اتفاقيات لسبع محطات طاقة شمسية بقدرة إجمالية 15 غيغاواط تطورها أكوا باور.",
        [("aljazeera-ar", 25), ("bbc-ar", 60)],
    ),
)

event(
    "sudan-floods",
    r(
        "reuters",
        2,
        "11:00",
        "Floods in Sudan displace 40,000 as Nile rises near Khartoum",
        "Flooding along the Nile has displaced about 40,000 people in Sudan's Khartoum and River Nile states, the United Nations said on Tuesday.",
        [("aljazeera-en", 40), ("guardian", 60)],
    ),
    r(
        "aljazeera-ar",
        2,
        "10:30",
        "فيضانات في السودان تشرد 40 ألف شخص مع ارتفاع منسوب النيل",
        "أدت الفيضانات على ضفاف النيل إلى تشريد نحو 40 ألف شخص في ولايتي الخرطوم ونهر النيل بحسب الأمم المتحدة.",
        [("bbc-ar", 30), ("asharq", 45)],
    ),
    r(
        "rfi",
        2,
        "14:00",
        "Soudan : des inondations déplacent 40 000 personnes près de Khartoum",
        "La crue du Nil a forcé des dizaines de milliers d'habitants à fuir dans les États de Khartoum et du Nil, selon l'ONU.",
    ),
)

event(
    "morocco-rail",
    r(
        "lemonde",
        5,
        "09:00",
        "Le Maroc inaugure la ligne à grande vitesse entre Kénitra et Marrakech",
        "Le prolongement de la LGV marocaine met Marrakech à moins de trois heures de Tanger ; le roi Mohammed VI a présidé l'inauguration.",
        [("france24-fr", 30), ("rfi", 40)],
    ),
    r(
        "aljazeera-ar",
        5,
        "10:00",
        "المغرب يدشن خط القطار فائق السرعة بين القنيطرة ومراكش",
        "دشن المغرب امتداد خط القطار فائق السرعة إلى مراكش، لتصبح الرحلة من طنجة أقل من ثلاث ساعات.",
        [("asharq", 40)],
    ),
    r(
        "reuters",
        5,
        "11:00",
        "Morocco opens high-speed rail extension to Marrakech ahead of 2030 World Cup",
        "Morocco opened a high-speed rail link from Kenitra to Marrakech on Friday, cutting the journey from Tangier to under three hours, part of investments before it co-hosts the 2030 World Cup.",
        [("aljazeera-en", 45)],
    ),
)

event(
    "france-budget",
    r(
        "lemonde",
        3,
        "18:00",
        "Budget 2027 : l'Assemblée nationale rejette le volet recettes",
        "Les députés ont rejeté mercredi la première partie du projet de loi de finances pour 2027 par 302 voix contre 180, un revers pour le gouvernement.",
        [("france24-fr", 20), ("rfi", 35)],
    ),
    r(
        "reuters",
        3,
        "18:30",
        "French lawmakers reject revenue side of 2027 budget in blow to government",
        "France's National Assembly voted 302-180 on Wednesday to reject the revenue part of the 2027 budget bill, raising the risk that the government will force it through without a vote.",
        [("guardian", 40), ("france24-en", 45)],
    ),
    r(
        "elpais",
        4,
        "08:00",
        "La Asamblea francesa tumba la parte de ingresos del presupuesto de 2027",
        "El rechazo por 302 votos contra 180 complica al Gobierno de Francia, que podría recurrir al artículo 49.3.",
    ),
)

event(
    "france-strike",
    r(
        "lemonde",
        5,
        "07:00",
        "Grève dans les transports : trafic très perturbé à la SNCF et à la RATP",
        "Les syndicats appellent à la grève ce vendredi contre le gel des salaires dans le budget 2027 ; un TGV sur deux circule.",
        [("france24-fr", 30)],
    ),
    r(
        "reuters",
        5,
        "08:15",
        "French rail and metro strike disrupts travel over budget wage freeze",
        "Half of France's high-speed trains were cancelled on Friday as unions struck against a public-sector wage freeze in the 2027 budget.",
        [("guardian", 40)],
    ),
)

event(
    "valencia-floods",
    r(
        "elpais",
        2,
        "06:30",
        "Alerta roja en Valencia por lluvias torrenciales: suspendidas las clases",
        "La Aemet activó el aviso rojo en el litoral de Valencia por precipitaciones de hasta 180 litros por metro cuadrado; la Generalitat suspende las clases.",
        [("efe", 20), ("infobae", 60)],
    ),
    r(
        "reuters",
        2,
        "09:00",
        "Spain's Valencia on red alert for torrential rain, schools shut",
        "Spain's weather agency issued a red alert for the Valencia coast on Tuesday, forecasting up to 180 litres of rain per square metre, a year after deadly floods.",
        [("guardian", 30), ("dw-en", 45)],
    ),
    r(
        "france24-fr",
        2,
        "10:00",
        "Espagne : alerte rouge à Valence, les écoles fermées",
        "Les autorités craignent une répétition des inondations meurtrières d'octobre 2024 ; jusqu'à 180 litres par mètre carré sont attendus.",
    ),
    r(
        "elpais",
        2,
        "18:00",
        "Las lluvias inundan bajos y cortan carreteras en Valencia sin víctimas",
        "El temporal dejó hasta 160 litros por metro cuadrado en la costa de Valencia; los servicios de emergencia realizaron 300 rescates.",
        [("efe", 15)],
    ),
)

event(
    "argentina-inflation",
    r(
        "infobae",
        4,
        "16:05",
        "La inflación de octubre fue de 2,1% y acumula 24% en el año",
        "El INDEC informó que el índice de precios al consumidor subió 2,1% en octubre; la inflación interanual de Argentina se ubicó en 31%.",
        [("efe", 30)],
    ),
    r(
        "reuters",
        4,
        "16:30",
        "Argentina monthly inflation speeds up to 2.1% in October",
        "Argentina's monthly inflation rate rose to 2.1% in October from 1.9% in September, the INDEC statistics agency said on Thursday, with annual inflation at 31%.",
        [("nyt", 50)],
    ),
)

event(
    "brazil-deforestation",
    r(
        "reuters",
        1,
        "14:00",
        "Deforestation in Brazil's Amazon falls 30% to lowest since 2015",
        "Deforestation in Brazil's Amazon rainforest fell 30% in the 12 months to July, to 4,300 square kilometres, the lowest since 2015, the INPE space agency said on Monday.",
        [("guardian", 30), ("aljazeera-en", 50)],
    ),
    r(
        "elpais",
        1,
        "15:00",
        "La deforestación en la Amazonía brasileña cae un 30% y marca su mínimo desde 2015",
        "El INPE registró 4.300 kilómetros cuadrados deforestados en doce meses, un alivio para Brasil antes de la COP31.",
    ),
    r(
        "lemonde",
        1,
        "16:00",
        "Au Brésil, la déforestation en Amazonie recule de 30 %",
        "Selon l'INPE, 4 300 kilomètres carrés de forêt ont été détruits en un an, le niveau le plus bas depuis 2015.",
    ),
)

event(
    "colombia-eln",
    r(
        "reuters",
        3,
        "17:00",
        "Colombia and ELN rebels resume peace talks in Caracas",
        "Colombia's government and the National Liberation Army (ELN) resumed peace talks in Caracas on Wednesday, six months after they were suspended over a rebel attack.",
        [("aljazeera-en", 40)],
    ),
    r(
        "efe",
        3,
        "16:40",
        "El Gobierno de Colombia y el ELN reanudan los diálogos de paz en Caracas",
        "Las delegaciones retoman la mesa de negociación seis meses después de su suspensión por un atentado del Ejército de Liberación Nacional.",
        [("infobae", 30), ("elpais", 60)],
    ),
)

event(
    "mexico-security-reform",
    r(
        "lajornada",
        2,
        "22:00",
        "El Senado aprueba la reforma a la Guardia Nacional con 86 votos",
        "La reforma constitucional que amplía las funciones de la Guardia Nacional en la seguridad pública fue aprobada por 86 votos a favor y 39 en contra en el Senado de México.",
        [("efe", 40)],
    ),
    r(
        "reuters",
        3,
        "01:00",
        "Mexico's Senate passes National Guard reform backed by Sheinbaum",
        "Mexico's Senate approved a constitutional reform expanding the role of the military-run National Guard by 86 votes to 39 late on Tuesday, a priority of President Claudia Sheinbaum.",
        [("nyt", 60)],
    ),
)

event(
    "hurricane-sandra",
    r(
        "reuters",
        2,
        "18:00",
        "Hurricane Sandra weakens over Atlantic after battering Cuba, six dead",
        "Hurricane Sandra weakened to a Category 1 storm over the Atlantic on Tuesday after killing six people in eastern Cuba, state media said.",
        [("guardian", 30), ("nyt", 40)],
    ),
    r(
        "efe",
        2,
        "19:00",
        "Sandra deja seis muertos en el oriente de Cuba y se debilita en el Atlántico",
        "El huracán, que tocó tierra con categoría 3 cerca de Guantánamo, causó graves daños en Santiago de Cuba.",
        [("infobae", 20)],
    ),
    r(
        "reuters",
        1,
        "23:00",
        "Hurricane Sandra makes landfall in eastern Cuba as Category 3 storm",
        "Hurricane Sandra made landfall near Guantanamo in eastern Cuba on Monday night with winds of 185 km per hour, the U.S. National Hurricane Center said.",
        [("guardian", 30), ("aljazeera-en", 45), ("nyt", 50)],
    ),
    r(
        "efe",
        2,
        "00:30",
        "El huracán Sandra toca tierra en el oriente de Cuba con categoría 3",
        "Sandra impactó cerca de Guantánamo con vientos de 185 kilómetros por hora; las autoridades evacuaron a 500.000 personas.",
        [("infobae", 30), ("elpais", 60)],
    ),
    r(
        "apnews",
        2,
        "08:00",
        "Hurricane Sandra knocks out power across eastern Cuba",
        "HAVANA (AP) — Hurricane Sandra tore roofs off homes and left much of eastern Cuba without power on Tuesday after evacuations of half a million people.",
        [("bbc", 40)],
    ),
    r(
        "france24-fr",
        2,
        "09:00",
        "L'ouragan Sandra frappe l'est de Cuba, 500 000 personnes évacuées",
        "L'ouragan de catégorie 3 a touché terre près de Guantanamo avec des vents de 185 km/h.",
    ),
    r(
        "aljazeera-ar",
        2,
        "10:00",
        "الإعصار ساندرا يضرب شرق كوبا ويجبر 500 ألف على الإجلاء",
        "ضرب الإعصار ساندرا من الفئة الثالثة شرق كوبا برياح سرعتها 185 كيلومترا في الساعة.",
    ),
)

event(
    "artemis-date",
    r(
        "aljazeera-ar",
        3,
        "22:00",
        "ناسا تحدد 5 فبراير موعدا لإطلاق مهمة أرتميس 2",
        "ستحمل المهمة أربعة رواد فضاء حول القمر لأول مرة منذ عام 1972.",
        [("bbc-ar", 30)],
    ),
    r(
        "reuters",
        3,
        "19:00",
        "NASA sets February launch date for Artemis II crewed moon mission",
        "NASA said on Wednesday it was targeting February 5 for the launch of Artemis II, which will send four astronauts around the moon for the first time since 1972.",
        [("guardian", 30), ("dw-en", 45)],
    ),
    r(
        "afp-en",
        3,
        "19:30",
        "Artemis II: NASA targets February 5 for first crewed lunar flyby in half a century",
        "The four-person crew will fly around the Moon aboard the Orion capsule, NASA said.",
        [("france24-en", 20)],
    ),
    r(
        "lemonde",
        3,
        "21:00",
        "La NASA vise le 5 février pour le lancement d'Artemis II",
        "Quatre astronautes doivent faire le tour de la Lune, une première depuis 1972.",
    ),
    r(
        "efe",
        3,
        "21:30",
        "La NASA fija el 5 de febrero para el lanzamiento de Artemis II",
        "La misión llevará a cuatro astronautas alrededor de la Luna por primera vez desde 1972.",
    ),
)

event(
    "tesla-recall",
    r(
        "reuters",
        2,
        "15:00",
        "Tesla recalls over 200,000 vehicles over rear-view camera fault",
        "Tesla is recalling 203,000 vehicles in the United States because the rear-view camera image may not display when reversing, the NHTSA said on Tuesday.",
        [("guardian", 40), ("nyt", 45)],
    ),
    r(
        "apnews",
        2,
        "15:30",
        "Tesla recalls 203,000 vehicles to fix backup camera software",
        "DETROIT (AP) — Tesla will send an over-the-air software update to 203,000 vehicles whose backup camera may fail, U.S. safety regulators said.",
    ),
)

event(
    "eu-meta-fine",
    r(
        "aljazeera-ar",
        3,
        "14:00",
        "المفوضية الأوروبية تغرم ميتا 800 مليون يورو",
        "فرضت المفوضية الأوروبية غرامة قدرها 800 مليون يورو على شركة ميتا بموجب قانون الأسواق الرقمية.",
    ),
    r(
        "reuters",
        3,
        "11:00",
        "EU fines Meta 800 million euros under Digital Markets Act",
        "The European Commission fined Meta Platforms 800 million euros on Wednesday for breaching the Digital Markets Act with its pay-or-consent advertising model.",
        [("guardian", 25), ("dw-en", 30), ("france24-en", 40)],
    ),
    r(
        "lemonde",
        3,
        "11:30",
        "Bruxelles inflige une amende de 800 millions d'euros à Meta",
        "La Commission européenne sanctionne le modèle « payer ou consentir » de Meta au titre du règlement sur les marchés numériques.",
        [("france24-fr", 20)],
    ),
    r(
        "elpais",
        3,
        "12:00",
        "Bruselas multa a Meta con 800 millones de euros por la ley de mercados digitales",
        "La Comisión Europea considera que el modelo de pago o consentimiento de Meta vulnera la DMA.",
    ),
    r(
        "apnews",
        3,
        "12:30",
        "Meta hit with $930 million EU fine over pay-or-consent ads",
        "BRUSSELS (AP) — European Union regulators fined Meta 800 million euros ($930 million), saying its ad model broke the bloc's digital competition rules.",
    ),
)

event(
    "ucl-madrid-liverpool",
    r(
        "guardian",
        3,
        "08:00",
        "Liverpool's slump continues as Slot laments missed chances in Madrid",
        "Arne Slot said Liverpool had paid for missed chances after Kylian Mbappe's late goal gave Real Madrid a 2-1 win at the Bernabeu.",
    ),
    r(
        "infobae",
        3,
        "09:00",
        "Mbappé, figura del triunfo del Real Madrid ante el Liverpool en el Bernabéu",
        "El francés marcó en el minuto 88 el 2-1 definitivo en la Liga de Campeones.",
    ),
    r(
        "reuters",
        2,
        "22:10",
        "Real Madrid beat Liverpool 2-1 with late Mbappe winner in Champions League",
        "Kylian Mbappe scored in the 88th minute as Real Madrid beat Liverpool 2-1 at the Bernabeu on Tuesday to top their Champions League group.",
        [("guardian", 20), ("aljazeera-en", 40), ("dw-en", 50)],
    ),
    r(
        "bbc",
        2,
        "22:15",
        "Real Madrid 2-1 Liverpool: Mbappe strikes late to sink Reds",
        "Kylian Mbappe's late goal gave Real Madrid victory over Liverpool at the Bernabeu after Mohamed Salah had cancelled out Vinicius Junior's opener.",
    ),
    r(
        "elpais",
        2,
        "22:20",
        "El Real Madrid gana 2-1 al Liverpool con un gol de Mbappé en el minuto 88",
        "Vinicius abrió el marcador, Salah empató y Mbappé decidió en el Bernabéu un partido intenso de la Liga de Campeones.",
        [("efe", 15), ("infobae", 30)],
    ),
    r(
        "lemonde",
        2,
        "23:00",
        "Ligue des champions : le Real Madrid s'impose 2-1 face à Liverpool grâce à Mbappé",
        "L'attaquant français a marqué à la 88e minute au stade Santiago-Bernabeu.",
        [("france24-fr", 20)],
    ),
    r(
        "aljazeera-ar",
        2,
        "23:10",
        "ريال مدريد يفوز على ليفربول 2-1 بهدف متأخر لمبابي",
        "سجل كيليان مبابي هدف الفوز في الدقيقة 88 ليقود ريال مدريد للفوز على ليفربول في دوري أبطال أوروبا.",
        [("bbc-ar", 20)],
    ),
)
event(
    "ucl-barcelona-inter",
    r(
        "reuters",
        3,
        "22:05",
        "Barcelona held 1-1 by Inter Milan in Champions League",
        "Inter Milan's Lautaro Martinez equalised in the 71st minute to hold Barcelona to a 1-1 draw at the Camp Nou on Wednesday in the Champions League.",
        [("guardian", 20), ("aljazeera-en", 40)],
    ),
    r(
        "elpais",
        3,
        "22:10",
        "El Barça empata 1-1 ante el Inter en la Liga de Campeones",
        "Lamine Yamal adelantó al Barcelona y Lautaro Martínez igualó en el minuto 71 en el Camp Nou.",
        [("efe", 15), ("infobae", 40)],
    ),
    r(
        "bbc",
        3,
        "22:20",
        "Barcelona 1-1 Inter Milan: Lautaro earns point at Camp Nou",
        "Lamine Yamal's opener was cancelled out by Lautaro Martinez as Inter Milan held Barcelona.",
    ),
    r(
        "aljazeera-ar",
        3,
        "23:00",
        "برشلونة يتعادل مع إنتر 1-1 في دوري أبطال أوروبا",
        "أدرك لاوتارو مارتينيز التعادل لإنتر في الدقيقة 71 بعد هدف لامين يامال لبرشلونة.",
    ),
)

event(
    "paris-masters",
    r(
        "reuters",
        1,
        "08:00",
        "Sinner beats Alcaraz to win Paris Masters title",
        "Jannik Sinner beat Carlos Alcaraz 6-4 7-6 in the Paris Masters final on Sunday to claim his fifth Masters 1000 title of the season.",
        [("guardian", 30)],
    ),
    r(
        "lemonde",
        1,
        "08:30",
        "Masters de Paris : Jannik Sinner bat Carlos Alcaraz en finale",
        "L'Italien s'est imposé 6-4, 7-6 face à l'Espagnol à La Défense Arena.",
        [("rfi", 30)],
    ),
    r(
        "efe",
        1,
        "09:00",
        "Sinner vence a Alcaraz en la final del Masters de París",
        "El italiano se impuso por 6-4 y 7-6 al tenista español en la final del torneo parisino.",
    ),
)

event(
    "f1-brazil",
    r(
        "reuters",
        1,
        "07:30",
        "Norris wins Sao Paulo Grand Prix to extend championship lead",
        "McLaren's Lando Norris won the Sao Paulo Grand Prix at Interlagos on Sunday, extending his Formula One championship lead to 24 points with three races left.",
        [("guardian", 20), ("dw-en", 40)],
    ),
    r(
        "infobae",
        1,
        "08:00",
        "Lando Norris gana el Gran Premio de Sao Paulo y amplía su ventaja en el Mundial",
        "El piloto de McLaren se impuso en Interlagos y aventaja en 24 puntos a su perseguidor a falta de tres carreras.",
    ),
)

event(
    "uk-budget",
    r(
        "reuters",
        4,
        "13:00",
        "UK finance minister raises taxes on banks and gambling in budget",
        "Britain's finance minister raised taxes on banks and online gambling on Thursday in a budget aimed at filling a 22 billion pound gap in the public finances.",
        [("guardian", 15), ("aljazeera-en", 60)],
    ),
    r(
        "bbc",
        4,
        "13:05",
        "Budget 2026: Key points at a glance",
        "The chancellor has set out tax rises on banks and online gambling to fill a £22bn black hole in the UK's public finances.",
    ),
    r(
        "france24-fr",
        4,
        "15:00",
        "Royaume-Uni : le budget augmente les taxes sur les banques et les jeux en ligne",
        "Le gouvernement britannique cherche à combler un trou de 22 milliards de livres dans les finances publiques.",
    ),
)

event(
    "germany-pensions",
    r(
        "reuters",
        2,
        "12:00",
        "German cabinet approves pension package despite young lawmakers' revolt",
        "Germany's cabinet approved a pension package on Tuesday that fixes the state pension level at 48% until 2031, despite objections from younger conservative lawmakers.",
        [("dw-en", 20)],
    ),
    r(
        "france24-fr",
        2,
        "14:00",
        "Allemagne : le gouvernement adopte sa réforme des retraites malgré la fronde des jeunes députés",
        "Le niveau des pensions est garanti à 48 % jusqu'en 2031.",
    ),
)

event(
    "ukraine-russia-exchange",
    r(
        "bbc",
        3,
        "13:00",
        "Ukraine war: 300 soldiers return home in prisoner swap with Russia",
        "Families gathered at the border to greet 300 Ukrainian prisoners of war freed in a UAE-brokered exchange with Russia.",
    ),
    r(
        "reuters",
        3,
        "10:00",
        "Russia and Ukraine swap 300 prisoners of war each in UAE-mediated exchange",
        "Russia and Ukraine each freed 300 prisoners of war on Wednesday in an exchange mediated by the United Arab Emirates, both countries said.",
        [("guardian", 30), ("aljazeera-en", 40), ("dw-en", 45)],
    ),
    r(
        "afp-en",
        3,
        "10:30",
        "Ukraine, Russia exchange 300 POWs each, Zelensky says",
        "President Volodymyr Zelensky said 300 Ukrainian soldiers had returned home in the latest swap brokered by the UAE.",
        [("france24-en", 20)],
    ),
    r(
        "lemonde",
        3,
        "11:30",
        "L'Ukraine et la Russie échangent 300 prisonniers de guerre chacune",
        "L'échange a été obtenu grâce à une médiation des Emirats arabes unis, selon Kiev et Moscou.",
        [("rfi", 30)],
    ),
    r(
        "aljazeera-ar",
        3,
        "11:00",
        "روسيا وأوكرانيا تتبادلان 300 أسير حرب بوساطة إماراتية",
        "أفرجت كل من روسيا وأوكرانيا عن 300 أسير حرب في عملية تبادل جديدة بوساطة الإمارات.",
        [("asharq", 30), ("bbc-ar", 40)],
    ),
    r(
        "efe",
        3,
        "12:00",
        "Rusia y Ucrania intercambian 300 prisioneros de guerra cada una",
        "El canje, mediado por los Emiratos Árabes Unidos, es el mayor en tres meses.",
    ),
)

event(
    "typhoon-philippines",
    r(
        "aljazeera-ar",
        4,
        "10:00",
        "إعصار فونغ وونغ يضرب شمال الفلبين وإجلاء 120 ألف شخص",
        "ضرب الإعصار إقليم إيزابيلا برياح سرعتها 230 كيلومترا في الساعة.",
    ),
    r(
        "reuters",
        4,
        "06:00",
        "Typhoon Fung-wong slams into northern Philippines, thousands evacuated",
        "Typhoon Fung-wong made landfall in Isabela province in the northern Philippines on Thursday with gusts of 230 km per hour, forcing 120,000 people to evacuate.",
        [("guardian", 30), ("aljazeera-en", 45)],
    ),
    r(
        "afp-en",
        4,
        "07:00",
        "Super Typhoon Fung-wong hits Philippines, at least 4 dead",
        "At least four people were killed as Fung-wong tore across Luzon, officials said.",
        [("france24-en", 20)],
    ),
    r(
        "efe",
        4,
        "08:00",
        "El tifón Fung-wong golpea el norte de Filipinas y obliga a evacuar a 120.000 personas",
        "El fenómeno tocó tierra en la provincia de Isabela con ráfagas de 230 kilómetros por hora.",
    ),
    r(
        "rfi",
        4,
        "09:00",
        "Philippines : le typhon Fung-wong frappe le nord du pays",
        "Au moins quatre morts et 120 000 personnes évacuées dans l'île de Luçon.",
    ),
)

event(
    "who-mpox",
    r(
        "reuters",
        5,
        "15:00",
        "WHO says mpox is no longer a global health emergency",
        "The World Health Organization said on Friday that mpox no longer constitutes a public health emergency of international concern, citing a steady fall in cases in Africa.",
        [("guardian", 30), ("aljazeera-en", 40)],
    ),
    r(
        "lemonde",
        5,
        "15:30",
        "L'OMS lève l'urgence sanitaire mondiale liée au mpox",
        "L'Organisation mondiale de la santé juge que la baisse des cas en Afrique ne justifie plus le niveau d'alerte maximal.",
        [("france24-fr", 20)],
    ),
    r(
        "efe",
        5,
        "16:00",
        "La OMS declara el fin de la emergencia sanitaria internacional por la mpox",
        "La Organización Mundial de la Salud cita un descenso sostenido de casos en África.",
    ),
    r(
        "aljazeera-ar",
        5,
        "16:30",
        "منظمة الصحة العالمية تعلن انتهاء حالة الطوارئ الصحية العالمية بسبب جدري القردة",
        "قالت منظمة الصحة العالمية إن جدري القردة لم يعد يشكل حالة طوارئ صحية عامة تثير قلقا دوليا.",
    ),
)

event(
    "machu-picchu-tickets",
    r(
        "reuters",
        3,
        "15:00",
        "Peru changes Machu Picchu ticket system after tourist protests",
        "Peru's culture ministry said on Wednesday it would scrap the online-only sales of Machu Picchu tickets after stranded tourists protested in Aguas Calientes.",
        [("guardian", 40)],
    ),
    r(
        "elcomercio",
        3,
        "14:30",
        "Machu Picchu: Ministerio de Cultura cambia la venta de entradas tras protestas",
        "Turistas varados en Aguas Calientes protestaron por la falta de boletos; se habilitará venta presencial de 1.000 entradas diarias.",
        [("infobae", 40)],
    ),
    r(
        "rfi",
        3,
        "17:00",
        "Pérou : le Machu Picchu modifie la vente de billets après la colère des touristes",
        "Des centaines de visiteurs bloqués à Aguas Calientes ont manifesté faute de billets.",
    ),
)

event(
    "bolivia-fuel",
    r(
        "efe",
        4,
        "11:00",
        "Bloqueos en Bolivia por la escasez de diésel paralizan el transporte",
        "Transportistas bloquean carreteras en La Paz y Santa Cruz para exigir el abastecimiento de combustible.",
        [("infobae", 30)],
    ),
    r(
        "reuters",
        4,
        "13:00",
        "Bolivia truckers block roads over diesel shortage",
        "Truckers in Bolivia blocked highways around La Paz and Santa Cruz on Thursday to protest chronic diesel shortages.",
        [("aljazeera-en", 60)],
    ),
)

event(
    "canada-post-strike",
    r(
        "reuters",
        2,
        "17:00",
        "Canada Post strike ends after tentative deal with union",
        "Canada Post and the union representing 55,000 workers reached a tentative agreement on Tuesday, ending a four-week strike.",
        [("guardian", 60)],
    ),
    r(
        "france24-fr",
        2,
        "18:00",
        "Canada : fin de la grève à Postes Canada après un accord de principe",
        "Le syndicat des 55 000 employés a conclu une entente de principe après quatre semaines de grève.",
    ),
)

event(
    "louvre-gallery",
    r(
        "lemonde",
        4,
        "10:00",
        "Le Louvre rouvre la galerie d'Apollon un an après le vol des bijoux",
        "La galerie, fermée depuis le cambriolage d'octobre 2025, rouvre avec un nouveau dispositif de sécurité.",
        [("france24-fr", 20), ("rfi", 40)],
    ),
    r(
        "reuters",
        4,
        "11:00",
        "Louvre reopens Apollo Gallery a year after crown jewels heist",
        "The Louvre in Paris reopened its Apollo Gallery on Thursday with new security measures, a year after thieves stole crown jewels in a daylight raid.",
        [("guardian", 30), ("nyt", 40)],
    ),
    r(
        "elpais",
        4,
        "12:00",
        "El Louvre reabre la galería de Apolo un año después del robo de las joyas",
        "El museo de París refuerza su seguridad tras el asalto de octubre de 2025.",
    ),
    r(
        "asharq",
        4,
        "13:00",
        "متحف اللوفر يعيد فتح قاعة أبولو بعد عام على سرقة المجوهرات",
        "أعاد متحف اللوفر في باريس فتح قاعة أبولو مع إجراءات أمنية جديدة.",
    ),
)

event(
    "sheinbaum-carney-usmca",
    r(
        "reuters",
        4,
        "17:00",
        "Sheinbaum and Carney pledge to defend USMCA ahead of review",
        "Mexican President Claudia Sheinbaum and Canadian Prime Minister Mark Carney agreed in Mexico City on Thursday to coordinate their positions ahead of the 2026 review of the USMCA trade pact.",
        [("nyt", 40), ("dw-en", 60)],
    ),
    r(
        "lajornada",
        4,
        "16:30",
        "Sheinbaum y Carney acuerdan defender el T-MEC ante la revisión",
        "La presidenta recibió en Palacio Nacional al primer ministro de Canadá; ambos coordinarán su postura frente a Estados Unidos.",
        [("efe", 30), ("infobae", 45)],
    ),
    r(
        "france24-fr",
        4,
        "19:00",
        "Le Mexique et le Canada font front commun pour défendre l'ACEUM",
        "Claudia Sheinbaum et Mark Carney veulent coordonner leurs positions avant la révision de l'accord de libre-échange.",
    ),
)

event(
    "honduras-election-count",
    r(
        "reuters",
        5,
        "12:00",
        "Honduras electoral council begins special count after disputed vote tally",
        "Honduras' electoral council began a special recount of 2,700 tally sheets on Friday after opposition parties alleged irregularities.",
        [("aljazeera-en", 40)],
    ),
    r(
        "efe",
        5,
        "12:30",
        "El CNE de Honduras inicia el escrutinio especial de 2.700 actas",
        "Los partidos de oposición denunciaron irregularidades en el conteo de los votos.",
    ),
)

event(
    "egypt-museum-visitors",
    r(
        "asharq",
        2,
        "12:00",
        "المتحف المصري الكبير يستقبل مليون زائر في شهر",
        "أعلنت وزارة السياحة أن المتحف المصري الكبير استقبل مليون زائر خلال الشهر الأول من افتتاحه الرسمي.",
        [("aljazeera-ar", 30), ("bbc-ar", 50)],
    ),
    r(
        "reuters",
        2,
        "14:00",
        "Grand Egyptian Museum draws 1 million visitors in first month",
        "The Grand Egyptian Museum near the Giza pyramids welcomed one million visitors in its first month after its official opening, Egypt's tourism ministry said.",
        [("aljazeera-en", 30)],
    ),
)

event(
    "spain-blackout-report",
    r(
        "elpais",
        3,
        "12:30",
        "El informe del apagón culpa al control de tensión de la red eléctrica",
        "El informe final del Gobierno sobre el apagón del 28 de abril de 2025 atribuye el colapso a un fallo en el control de tensión y reparte responsabilidades entre Red Eléctrica y las eléctricas.",
        [("efe", 20), ("infobae", 50)],
    ),
    r(
        "reuters",
        3,
        "13:30",
        "Spain's blackout report blames voltage control failures",
        "A final government report on Spain's April 2025 blackout blamed failures to control voltage on the grid, splitting responsibility between grid operator Red Electrica and power companies.",
        [("guardian", 40)],
    ),
    r(
        "lemonde",
        3,
        "15:30",
        "Panne géante en Espagne : le rapport final pointe le contrôle de la tension",
        "Le gouvernement espagnol publie son rapport sur le black-out du 28 avril 2025 qui avait privé la péninsule Ibérique d'électricité.",
    ),
)

event(
    "air-france-strike",
    r(
        "lemonde",
        2,
        "07:30",
        "Grève des pilotes d'Air France : 30 % des vols long-courriers annulés",
        "Le syndicat des pilotes proteste contre la réforme des plannings ; la compagnie maintient tous ses vols court-courriers.",
        [("france24-fr", 20), ("rfi", 50)],
    ),
    r(
        "reuters",
        2,
        "09:30",
        "Air France cancels 30% of long-haul flights as pilots strike",
        "Air France cancelled almost a third of its long-haul flights on Tuesday as pilots walked out over changes to their rosters.",
        [("guardian", 45), ("france24-en", 50)],
    ),
)

event(
    "sinaloa-arrest",
    r(
        "reuters",
        5,
        "10:00",
        "Mexico arrests Sinaloa cartel faction leader in Culiacan raid",
        "Mexican security forces arrested a leader of the Sinaloa cartel's Chapitos faction in a raid in Culiacan on Friday, Security Minister Omar Garcia Harfuch said.",
        [("nyt", 30), ("guardian", 45), ("aljazeera-en", 55)],
    ),
    r(
        "lajornada",
        5,
        "09:40",
        "Detienen en Culiacán a líder de la facción de Los Chapitos",
        "El secretario de Seguridad, Omar García Harfuch, informó de la captura en un operativo del Gabinete de Seguridad en Sinaloa.",
        [("efe", 25), ("infobae", 35)],
    ),
    r(
        "france24-fr",
        5,
        "12:00",
        "Mexique : un chef du cartel de Sinaloa arrêté à Culiacan",
        "Le ministre de la Sécurité Omar García Harfuch a annoncé l'arrestation d'un dirigeant de la faction des Chapitos.",
    ),
    r(
        "aljazeera-ar",
        5,
        "13:00",
        "المكسيك تعتقل زعيما في كارتل سينالوا خلال مداهمة في كولياكان",
        "أعلن وزير الأمن المكسيكي عمر غارسيا هارفوش اعتقال أحد قادة فصيل تشابيتوس في كارتل سينالوا.",
    ),
)

event(
    "qatar-germany-lng",
    r(
        "reuters",
        5,
        "11:30",
        "QatarEnergy signs 15-year LNG supply deal with Germany's Uniper",
        "QatarEnergy agreed on Friday to supply Germany's Uniper with 2 million tonnes of liquefied natural gas a year for 15 years from 2028.",
        [("dw-en", 30), ("aljazeera-en", 40)],
    ),
    r(
        "aljazeera-ar",
        5,
        "11:00",
        "قطر للطاقة توقع اتفاقية لتوريد الغاز المسال إلى ألمانيا لمدة 15 عاما",
        "وقعت قطر للطاقة اتفاقية مع شركة يونيبر الألمانية لتوريد مليوني طن سنويا من الغاز الطبيعي المسال اعتبارا من 2028.",
        [("asharq", 30)],
    ),
    r(
        "france24-fr",
        5,
        "14:00",
        "Le Qatar va livrer du GNL à l'Allemagne pendant 15 ans",
        "QatarEnergy fournira 2 millions de tonnes par an à l'énergéticien allemand Uniper à partir de 2028.",
    ),
)

event(
    "norway-amazon-fund",
    r(
        "reuters",
        2,
        "14:30",
        "Norway pledges $500 million to Brazil's Amazon Fund at COP31",
        "Norway pledged $500 million to Brazil's Amazon Fund on Tuesday at the COP31 climate talks in Antalya, the largest single contribution to the fund in a decade.",
        [("guardian", 30), ("aljazeera-en", 60)],
    ),
    r(
        "efe",
        2,
        "15:00",
        "Noruega aporta 500 millones de dólares al Fondo Amazonía de Brasil en la COP31",
        "Es la mayor contribución individual al fondo en una década, anunciada en la cumbre del clima de Antalya.",
    ),
    r(
        "lemonde",
        2,
        "16:30",
        "Climat : la Norvège promet 500 millions de dollars au Fonds Amazonie",
        "L'annonce a été faite en marge de la COP31, à Antalya, en présence de la ministre brésilienne de l'Environnement.",
    ),
)

event(
    "apple-eu-court",
    r(
        "reuters",
        5,
        "10:30",
        "Apple wins EU court appeal against 1.8 billion euro music streaming fine",
        "Apple won its appeal on Friday against a 1.8 billion euro European Commission fine over music streaming, with the General Court saying regulators had not proved the harm.",
        [("guardian", 30), ("dw-en", 40)],
    ),
    r(
        "lemonde",
        5,
        "11:00",
        "Apple obtient l'annulation de l'amende de 1,8 milliard d'euros infligée par Bruxelles",
        "Le Tribunal de l'Union européenne estime que la Commission n'a pas démontré le préjudice subi par les consommateurs.",
        [("france24-fr", 30)],
    ),
    r(
        "elpais",
        5,
        "12:00",
        "Apple gana el recurso contra la multa de 1.800 millones de la Comisión Europea",
        "El Tribunal General de la UE anula la sanción por las restricciones a las aplicaciones de música en streaming.",
    ),
)

event(
    "chile-mine-rescue",
    r(
        "reuters",
        4,
        "09:00",
        "Chile rescues 12 miners trapped for three days in Atacama copper mine",
        "Rescuers in Chile pulled 12 miners to safety on Thursday after they were trapped for three days by a rockfall at a small copper mine in the Atacama region.",
        [("guardian", 30), ("aljazeera-en", 50)],
    ),
    r(
        "efe",
        4,
        "08:40",
        "Rescatan con vida a los 12 mineros atrapados en una mina de cobre en Atacama",
        "Los trabajadores permanecieron tres días bajo tierra tras un derrumbe en la región de Atacama, en el norte de Chile.",
        [("infobae", 20), ("elpais", 45)],
    ),
    r(
        "france24-fr",
        4,
        "11:00",
        "Chili : les 12 mineurs bloqués dans une mine de cuivre secourus",
        "Les mineurs étaient coincés depuis trois jours après un éboulement dans la région d'Atacama.",
        [("rfi", 30)],
    ),
)

event(
    "indonesia-volcano",
    r(
        "reuters",
        3,
        "04:00",
        "Indonesia's Lewotobi volcano erupts, ash column reaches 10 km",
        "Mount Lewotobi Laki-laki on Indonesia's Flores island erupted on Wednesday, sending an ash column 10 km into the sky and forcing the closure of two airports.",
        [("guardian", 40), ("aljazeera-en", 60)],
    ),
    r(
        "afp-en",
        3,
        "05:00",
        "Bali flights cancelled as Indonesian volcano spews ash",
        "Several international flights to Bali were cancelled after the eruption of Lewotobi Laki-laki on Flores.",
        [("france24-en", 20)],
    ),
    r(
        "lemonde",
        3,
        "08:00",
        "Indonésie : éruption du volcan Lewotobi, des vols vers Bali annulés",
        "Le panache de cendres a atteint 10 kilomètres d'altitude au-dessus de l'île de Florès.",
    ),
    r(
        "efe",
        3,
        "08:30",
        "El volcán Lewotobi entra en erupción en Indonesia con una columna de 10 kilómetros",
        "Las autoridades cerraron dos aeropuertos en la isla de Flores.",
    ),
)

event(
    "mexico-olympics-bid",
    r(
        "lajornada",
        4,
        "12:00",
        "Ciudad de México presenta su candidatura a los Juegos Olímpicos de 2036",
        "La jefa de Gobierno Clara Brugada y el Comité Olímpico Mexicano entregaron la carta de intención al COI.",
        [("efe", 30), ("infobae", 40)],
    ),
    r(
        "reuters",
        4,
        "14:00",
        "Mexico City launches bid to host 2036 Olympics",
        "Mexico City formally launched a bid to host the 2036 Summer Olympics on Thursday, 68 years after it staged the 1968 Games.",
        [("nyt", 60)],
    ),
    r(
        "france24-fr",
        4,
        "16:00",
        "Mexico candidate à l'organisation des Jeux olympiques de 2036",
        "La capitale mexicaine, hôte des Jeux de 1968, a remis sa lettre d'intention au CIO.",
    ),
)

event(
    "lula-beijing",
    r(
        "reuters",
        5,
        "05:00",
        "Brazil's Lula signs trade and satellite deals on Beijing visit",
        "Brazilian President Luiz Inacio Lula da Silva signed 20 agreements with China on Friday, including a joint satellite programme, during a visit to Beijing.",
        [("guardian", 45), ("aljazeera-en", 60)],
    ),
    r(
        "efe",
        5,
        "05:30",
        "Lula firma 20 acuerdos con China durante su visita a Pekín",
        "Brasil y China acordaron un programa conjunto de satélites y ampliar el comercio agrícola.",
        [("infobae", 30)],
    ),
    r(
        "rfi",
        5,
        "07:00",
        "Lula à Pékin : le Brésil et la Chine signent 20 accords",
        "Parmi eux, un programme conjoint de satellites d'observation de la Terre.",
    ),
)

# One-off stories: each is an event of its own. Many name the countries and topics of the events above.
SINGLES = [
    (
        "guardian",
        1,
        "06:00",
        "The long read: how Lima's street food became a global brand",
        "Ceviche, anticuchos and the chefs who turned Peru's markets into a culinary export.",
    ),
    (
        "nyt",
        1,
        "07:00",
        "In Mexico City, a subway line reopens after three years of repairs",
        "Line 1 of the Metro, the city's oldest, is fully running again after a renovation that cost 37 billion pesos.",
    ),
    (
        "bbc",
        1,
        "09:00",
        "Why Peru has had so many presidents",
        "Peru has had seven presidents in a decade. We look at the constitutional rules behind the instability.",
    ),
    (
        "elcomercio",
        1,
        "09:30",
        "Lima tendrá nuevo corredor de buses en la avenida Javier Prado",
        "La ATU anunció que la obra comenzará en enero y durará 18 meses.",
    ),
    (
        "lajornada",
        1,
        "13:00",
        "Inauguran en Guadalajara la Feria Internacional del Libro",
        "La FIL reúne a 600 editoriales de 40 países; el invitado de honor es Marruecos.",
    ),
    (
        "reuters",
        1,
        "17:00",
        "Ryanair raises profit forecast on strong winter bookings",
        "Ryanair raised its full-year profit forecast on Monday, citing strong demand for winter flights and higher fares.",
    ),
    (
        "apnews",
        1,
        "18:00",
        "Wildfire near Los Angeles forces evacuations as Santa Ana winds return",
        "Firefighters battled a 2,000-acre blaze in Ventura County as gusty winds pushed flames toward homes.",
    ),
    (
        "dw-en",
        1,
        "19:00",
        "Berlin marks 37 years since the fall of the Wall with light installation",
        "A trail of illuminated balloons will retrace the route of the Berlin Wall this weekend.",
    ),
    (
        "lemonde",
        1,
        "19:30",
        "Les vendanges 2026 s'annoncent historiquement précoces en Bourgogne",
        "Les viticulteurs ont commencé la récolte avec deux semaines d'avance.",
    ),
    (
        "aljazeera-ar",
        1,
        "20:00",
        "افتتاح معرض الشارقة الدولي للكتاب بمشاركة 2500 ناشر",
        "انطلقت فعاليات معرض الشارقة الدولي للكتاب بمشاركة ناشرين من 110 دول.",
    ),
    (
        "asharq",
        1,
        "21:00",
        "موسم الرياض يستقبل مليوني زائر في أسبوعين",
        "أعلنت الهيئة العامة للترفيه أن موسم الرياض استقبل مليوني زائر منذ انطلاقه.",
    ),
    (
        "infobae",
        1,
        "22:00",
        "Boca Juniors presentó a su nuevo director técnico",
        "El club anunció un contrato de dos años con el entrenador uruguayo.",
    ),
    (
        "efe",
        1,
        "23:00",
        "Cuba sufre un nuevo apagón general por la avería de una termoeléctrica",
        "La Unión Eléctrica informó de la desconexión total del sistema eléctrico nacional.",
    ),
    (
        "reuters",
        2,
        "07:00",
        "Toyota posts record quarterly profit on hybrid demand",
        "Toyota Motor reported a record operating profit for the July-September quarter on Tuesday, helped by strong sales of hybrid cars.",
    ),
    (
        "guardian",
        2,
        "08:00",
        "UK house prices rise for fourth month in a row, says Halifax",
        "Average house prices in Britain rose 0.4% in October, according to the Halifax index.",
    ),
    (
        "elpais",
        2,
        "08:30",
        "El Prado adquiere un retrato inédito de Goya",
        "El museo ha comprado por 6 millones de euros un retrato de una dama atribuido a Goya.",
    ),
    (
        "lajornada",
        2,
        "11:00",
        "México registra récord de remesas en octubre",
        "Las remesas sumaron 6.200 millones de dólares, informó el Banco de México.",
    ),
    (
        "bbc",
        2,
        "13:00",
        "Mexico's monarch butterflies return in record numbers",
        "Conservationists in Michoacán say the butterflies arrived early and in greater numbers than in a decade.",
    ),
    (
        "elcomercio",
        2,
        "13:30",
        "Perú: el BCR mantiene su tasa de referencia en 4,25%",
        "El Banco Central de Reserva del Perú decidió mantener la tasa de interés de referencia.",
    ),
    (
        "france24-en",
        2,
        "16:00",
        "Paris Saint-Germain unveil plans for new stadium outside the city",
        "The club wants to leave the Parc des Princes for a 60,000-seat venue by 2032.",
    ),
    (
        "rfi",
        2,
        "16:30",
        "Sénégal : le gouvernement lance un grand programme d'irrigation",
        "Le projet doit permettre de cultiver 50 000 hectares supplémentaires dans la vallée du fleuve.",
    ),
    (
        "aljazeera-en",
        2,
        "18:00",
        "Jordan opens new desalination plant in Aqaba",
        "The plant will supply 300 million cubic metres of water a year to Amman and other cities.",
    ),
    (
        "bbc-ar",
        2,
        "19:00",
        "تونس تطلق برنامجا لدعم الشركات الناشئة",
        "أعلنت الحكومة التونسية برنامجا بقيمة 100 مليون دينار لدعم الشركات الناشئة.",
    ),
    (
        "nyt",
        2,
        "20:00",
        "A Brooklyn bakery that survived the pandemic closes its doors",
        "After 41 years, the family-owned bakery will serve its last rye loaf on Sunday.",
    ),
    (
        "infobae",
        2,
        "21:00",
        "Chile: el Congreso aprueba el presupuesto de 2027",
        "La Cámara de Diputados despachó el proyecto con 90 votos a favor.",
    ),
    (
        "efe",
        2,
        "21:30",
        "Lula inaugura un puente entre Brasil y Paraguay",
        "El puente de la Integración une Foz de Iguazú con Presidente Franco.",
    ),
    (
        "reuters",
        3,
        "06:30",
        "Samsung to invest $10 billion in Texas chip plant expansion",
        "Samsung Electronics said on Wednesday it would invest an additional $10 billion in its Taylor, Texas, chip plant.",
    ),
    (
        "apnews",
        3,
        "07:30",
        "Record number of migrants cross Darien Gap this year, Panama says",
        "More than 500,000 people have crossed the jungle between Colombia and Panama this year.",
    ),
    (
        "guardian",
        3,
        "09:30",
        "Scientists find microplastics in Antarctic snow for the first time",
        "Researchers found an average of 29 particles per litre of melted snow near the Ross Ice Shelf.",
    ),
    (
        "elpais",
        3,
        "13:30",
        "Madrid prohíbe los patinetes eléctricos de alquiler",
        "El Ayuntamiento no renovará las licencias de las tres empresas que operan en la ciudad.",
    ),
    (
        "lemonde",
        3,
        "14:00",
        "Marseille : un nouveau tramway relie le nord de la ville au centre",
        "La ligne T4 dessert les quartiers nord à partir de ce mercredi.",
    ),
    (
        "elcomercio",
        3,
        "18:00",
        "Alianza Lima y Universitario empatan en el clásico",
        "El clásico del fútbol peruano terminó 0-0 en el estadio Monumental.",
    ),
    (
        "lajornada",
        3,
        "18:30",
        "Sheinbaum inaugura hospital del IMSS en Tlaxcala",
        "La presidenta Claudia Sheinbaum inauguró un hospital de 260 camas en Tlaxcala.",
    ),
    (
        "aljazeera-ar",
        3,
        "19:00",
        "قطر تستضيف بطولة العالم للجمباز 2027",
        "أعلن الاتحاد الدولي للجمباز منح قطر حق استضافة بطولة العالم في 2027.",
    ),
    (
        "asharq",
        3,
        "20:00",
        "الإمارات تطلق قمرا صناعيا لرصد المناخ",
        "أطلقت الإمارات قمرا صناعيا جديدا لرصد التغيرات المناخية في المنطقة.",
    ),
    (
        "dw-en",
        3,
        "20:30",
        "Germany's Bundesliga bans pyrotechnics after fan injuries",
        "The league will fine clubs whose fans use flares in stadiums.",
    ),
    (
        "bbc",
        3,
        "21:00",
        "Peru's pink river dolphins under threat from mercury, study finds",
        "Researchers found high mercury levels in dolphins in the Peruvian Amazon linked to illegal gold mining.",
    ),
    (
        "infobae",
        3,
        "22:00",
        "Argentina: el Gobierno anuncia la privatización de AySA",
        "El Ejecutivo prevé vender el 90% de la empresa de agua y saneamiento.",
    ),
    (
        "reuters",
        4,
        "07:30",
        "Shell to cut 10% of oil trading staff",
        "Shell plans to cut around 10% of staff in its oil trading division, sources said on Thursday.",
    ),
    (
        "apnews",
        4,
        "09:00",
        "New York City unveils plan to put trash bins on every residential street",
        "The city will place containerized bins on 10,000 blocks by 2028.",
    ),
    (
        "guardian",
        4,
        "11:30",
        "The best new novels of November",
        "From a Booker-shortlisted debut to a doorstop family saga, our critics pick the month's fiction.",
    ),
    (
        "elpais",
        4,
        "15:30",
        "Barcelona limita los cruceros en el puerto a partir de 2027",
        "El Ayuntamiento reducirá a cinco las terminales de cruceros.",
    ),
    (
        "lemonde",
        4,
        "18:00",
        "Le prix Goncourt 2026 décerné à un premier roman",
        "L'académie a couronné un premier roman consacré à la Commune de Paris.",
    ),
    (
        "rfi",
        4,
        "19:00",
        "Côte d'Ivoire : ouverture du plus grand port sec d'Afrique de l'Ouest",
        "La plateforme logistique de Ferkessédougou doit désengorger le port d'Abidjan.",
    ),
    (
        "aljazeera-en",
        4,
        "20:00",
        "Kuwait approves new labour law for domestic workers",
        "The law sets a maximum 12-hour working day and one day off a week.",
    ),
    (
        "bbc-ar",
        4,
        "21:00",
        "لبنان يطلق خطة لإعادة تأهيل مرفأ بيروت",
        "أعلنت الحكومة اللبنانية خطة بقيمة 500 مليون دولار لإعادة تأهيل مرفأ بيروت.",
    ),
    (
        "lajornada",
        4,
        "22:00",
        "Mexico: la Suprema Corte invalida ley de seguridad de Chihuahua",
        "El pleno de la Corte declaró inconstitucional la ley estatal de seguridad.",
    ),
    (
        "efe",
        4,
        "22:30",
        "Perú declara emergencia en Piura por la sequía",
        "El Gobierno del Perú declaró en emergencia 20 distritos de la región de Piura por la falta de lluvias.",
    ),
    (
        "reuters",
        5,
        "06:00",
        "Japan's household spending falls more than expected in September",
        "Japanese household spending fell 2.1% in September from a year earlier, government data showed on Friday.",
    ),
    (
        "nyt",
        5,
        "08:00",
        "Mexico's tequila makers face agave glut as prices collapse",
        "Farmers in Jalisco say agave prices have fallen 80% in three years.",
    ),
    (
        "guardian",
        5,
        "09:00",
        "Football: Premier League weekend preview",
        "Arsenal visit Newcastle while Liverpool host Brighton at Anfield.",
    ),
    (
        "elcomercio",
        5,
        "09:30",
        "Lima: Municipalidad anuncia cierre de la Vía Expresa por obras",
        "El tramo entre el Centro de Lima y Miraflores estará cerrado los fines de semana.",
    ),
    (
        "elpais",
        5,
        "10:30",
        "Valencia aprueba el plan de reconstrucción de los barrios inundados",
        "La Generalitat destina 1.200 millones de euros a la reconstrucción de los barrios afectados por la dana de 2024.",
    ),
    (
        "lemonde",
        5,
        "11:30",
        "Marrakech accueille le Festival international du film",
        "Le festival s'ouvre vendredi avec une sélection de 70 films.",
    ),
    (
        "aljazeera-ar",
        5,
        "12:00",
        "مصر تعلن اكتشاف حقل غاز جديد في البحر المتوسط",
        "أعلنت وزارة البترول المصرية اكتشاف حقل غاز جديد قبالة سواحل الإسكندرية.",
    ),
    (
        "asharq",
        5,
        "13:00",
        "السعودية تستضيف مؤتمر مستقبل الطيران",
        "تنطلق في الرياض فعاليات مؤتمر مستقبل الطيران بمشاركة 100 دولة.",
    ),
    (
        "infobae",
        5,
        "14:00",
        "Wall Street: las acciones argentinas suben hasta 8% en Nueva York",
        "Los ADR de bancos argentinos lideraron las subas tras el dato de inflación.",
    ),
    (
        "apnews",
        5,
        "16:00",
        "Ohio State tops college football playoff rankings again",
        "The Buckeyes remained No. 1 in the second College Football Playoff rankings.",
    ),
    (
        "dw-en",
        5,
        "17:00",
        "German exports unexpectedly rise in September",
        "German exports rose 1.4% in September, data from the federal statistics office showed.",
    ),
    (
        "bbc",
        5,
        "18:00",
        "Weekly quiz: What did Peru and Mexico fall out over?",
        "Test your knowledge of the week's news with our quiz.",
    ),
    (
        "france24-en",
        5,
        "19:00",
        "Colombia's Petro announces cabinet reshuffle",
        "President Gustavo Petro replaced his finance and interior ministers on Friday.",
    ),
    (
        "rfi",
        5,
        "20:00",
        "Mexique : les monarques reviennent dans le Michoacán",
        "Les papillons monarques sont arrivés en avance dans leurs forêts d'hivernage.",
    ),
    (
        "efe",
        5,
        "21:00",
        "El Congreso de Perú elige a su nueva Mesa Directiva",
        "La elección se realizará el lunes tras la renuncia del presidente del Congreso.",
    ),
    (
        "bbc-ar",
        5,
        "22:00",
        "الأردن يطلق مشروعا للنقل العام بين عمان والزرقاء",
        "أعلنت الحكومة الأردنية إطلاق خط حافلات سريعة بين عمان والزرقاء.",
    ),
    (
        "aljazeera-en",
        1,
        "15:00",
        "Oman announces first green hydrogen exports to Europe",
        "The first shipment of green ammonia left the port of Duqm bound for Rotterdam.",
    ),
    (
        "lemonde",
        2,
        "12:00",
        "Mexique : la cathédrale de Puebla rouvre après restauration",
        "L'édifice avait été endommagé par le séisme de 2017.",
    ),
    (
        "reuters",
        3,
        "16:30",
        "Peru's copper output rises 4% in September",
        "Peru's copper production rose 4% year on year in September, the mining ministry said.",
    ),
    (
        "elcomercio",
        4,
        "12:30",
        "Perú: el Congreso debate la ley de pesca artesanal",
        "La comisión de Producción aprobó el dictamen que pasa al pleno.",
    ),
    (
        "apnews",
        4,
        "18:30",
        "Mexico's Supreme Court justices take office under new elected system",
        "The nine justices chosen in Mexico's first judicial election were sworn in.",
    ),
    (
        "bbc",
        4,
        "20:30",
        "Egypt: Archaeologists uncover 3,000-year-old city near Luxor",
        "The find includes houses, bakeries and a cemetery from the New Kingdom.",
    ),
    (
        "infobae",
        4,
        "21:30",
        "El dólar blue cerró estable en Buenos Aires",
        "La cotización informal se mantuvo sin cambios en la jornada.",
    ),
    (
        "dw-en",
        2,
        "10:00",
        "Germany to lift nuclear research ban at universities",
        "The government will fund fusion research at three universities.",
    ),
    (
        "asharq",
        4,
        "14:30",
        "المغرب يطلق مناقصة لمحطة تحلية مياه في الدار البيضاء",
        "أطلق المغرب مناقصة دولية لإنشاء أكبر محطة لتحلية مياه البحر في أفريقيا.",
    ),
    (
        "efe",
        3,
        "09:00",
        "España: el paro baja en octubre hasta 2,4 millones de personas",
        "El número de desempleados registrados cayó en 20.000 personas.",
    ),
    (
        "guardian",
        5,
        "22:30",
        "Opinion: The Peru-Mexico row shows Latin America's asylum tradition is fraying",
        "Diplomatic asylum once united the region; now it divides it.",
    ),
]

COPY_EDITS = ["suffix", "dateline", "first_sentence", "recase", "identical"]


def _copy(title: str, summary: str, outlet: str, n: int) -> tuple[str, str]:
    edit = COPY_EDITS[n % len(COPY_EDITS)]
    name = OUTLETS[outlet][0]
    if edit == "suffix":
        return f"{title} | {name}", summary
    if edit == "dateline":
        return title, f"({name}) {summary}"
    if edit == "first_sentence":
        first = summary.split(". ")[0].rstrip(".") + "."
        return title, first
    if edit == "recase":
        return title.title() if title.isascii() else title, summary
    return title, summary


def _at(day: int, hhmm: str, minutes: int = 0) -> datetime:
    hour, minute = (int(x) for x in hhmm.split(":"))
    return datetime(2026, 11, 1 + day, hour, minute, tzinfo=UTC) + timedelta(minutes=minutes)


def expand() -> list[dict]:
    """Every article of the set, in publish order."""
    rows = []
    copies = 0
    for name, reports in EVENTS.items():
        for outlet, day, hhmm, title, summary, copy_list in reports:
            base = {"event": name, "title": title, "summary": summary}
            rows.append({**base, "outlet": outlet, "language": OUTLETS[outlet][1], "published": _at(day, hhmm), "kind": "report"})
            for copy_outlet, minutes in copy_list:
                copy_title, copy_summary = _copy(title, summary, copy_outlet, copies)
                copies += 1
                rows.append(
                    {
                        "event": name,
                        "title": copy_title,
                        "summary": copy_summary,
                        "outlet": copy_outlet,
                        "language": OUTLETS[copy_outlet][1],
                        "published": _at(day, hhmm, minutes),
                        "kind": "copy",
                    }
                )
    for i, (outlet, day, hhmm, title, summary) in enumerate(SINGLES):
        rows.append(
            {"event": f"single-{i + 1:02d}", "title": title, "summary": summary, "outlet": outlet,
             "language": OUTLETS[outlet][1], "published": _at(day, hhmm), "kind": "single"}
        )  # fmt: skip
    rows.sort(key=lambda row: (row["published"], row["outlet"], row["title"]))
    out = []
    for i, row in enumerate(rows, 1):
        row["published"] = row["published"].strftime("%Y-%m-%dT%H:%M:%SZ")
        out.append({"id": f"a{i:03d}", **row})
    return out


def write(path: Path | None = None) -> Path:
    path = path or Path(__file__).with_name("clustering.jsonl")
    header = {
        "about": "Labelled set for event clustering (docs/events.md); written by hand in clustering_source.py, copies expanded",
        "outlets": {slug: {"name": n, "language": lang, "country": c} for slug, (n, lang, c) in OUTLETS.items()},
        "topics": [{"name": n, "kind": k, "aliases": a} for n, k, a in TOPICS],
    }
    lines = [json.dumps({"header": header}, ensure_ascii=False)]
    lines += [json.dumps(row, ensure_ascii=False) for row in expand()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


if __name__ == "__main__":
    target = write()
    rows = expand()
    events = {row["event"] for row in rows}
    multi = {e for e in events if sum(1 for row in rows if row["event"] == e) > 1}
    langs = {lang: sum(1 for row in rows if row["language"] == lang) for lang in ("en", "es", "fr", "ar")}
    print(f"{target}: {len(rows)} articles, {len(events)} events ({len(multi)} with 2+ articles), languages {langs}")
