"""Topic matching that knows context: one test (or a few) per rule of topics/matching.py."""

import pytest

from topics.matching import TopicMatcher, TopicSpec, article_text, lexicon

PERU, MEXICO, NEW_MEXICO, MEXICO_CITY, CHAVEZ, CASTILLO, SHEINBAUM, APPLE, SHELL, LABOUR, STARMER = range(1, 12)
GEORGIA, JORDAN, TURKEY, CHAD, GUINEA, PNG, US, UN, TRUMP, FORD, NATO, INFLATION = range(20, 32)

TOPICS = [
    TopicSpec(PERU, "Peru", "country", description="Peru is a country in western South America. Its capital is Lima."),
    TopicSpec(MEXICO, "Mexico", "country", ["United Mexican States"]),
    TopicSpec(NEW_MEXICO, "New Mexico", "place", description="A state in the southwestern United States."),
    TopicSpec(MEXICO_CITY, "Mexico City", "place"),
    TopicSpec(
        CHAVEZ,
        "Betssy Chávez",
        "person",
        ["Betssy Chavez"],
        "Betssy Chávez is a Peruvian lawyer and politician who was prime minister of Peru under Pedro Castillo.",
        ["Caracas Convention"],
    ),
    TopicSpec(CASTILLO, "Pedro Castillo", "person", ["Castillo"], "A Peruvian schoolteacher, President of Peru until 2022."),
    TopicSpec(SHEINBAUM, "Claudia Sheinbaum", "person", ["Sheinbaum"], "The President of Mexico since 2024."),
    TopicSpec(APPLE, "Apple", "organisation", description="Apple Inc. is a technology company that makes the iPhone."),
    TopicSpec(SHELL, "Shell", "organisation", ["Shell plc"], "Shell plc is an oil and gas company."),
    TopicSpec(LABOUR, "Labour Party", "organisation", ["Labour"], "A party in government under Keir Starmer."),
    TopicSpec(STARMER, "Keir Starmer", "person", ["Starmer"], "Prime Minister of the United Kingdom, Labour leader."),
    TopicSpec(GEORGIA, "Georgia", "country", description="A country in the South Caucasus; its capital is Tbilisi."),
    TopicSpec(JORDAN, "Jordan", "country"),
    TopicSpec(TURKEY, "Turkey", "country", ["Türkiye"]),
    TopicSpec(CHAD, "Chad", "country"),
    TopicSpec(GUINEA, "Guinea", "country"),
    TopicSpec(PNG, "Papua New Guinea", "country"),
    TopicSpec(US, "United States", "country"),
    TopicSpec(UN, "United Nations", "organisation", ["UN"]),
    TopicSpec(TRUMP, "Donald Trump", "person", ["Trump"], "The 47th President of the United States."),
    TopicSpec(FORD, "Ford", "organisation", ["Ford Motor Company"], "An American carmaker that sells cars and trucks."),
    TopicSpec(NATO, "Nato", "organisation", ["NATO"]),
    TopicSpec(INFLATION, "Inflation", "theme"),
]


@pytest.fixture(scope="module")
def matcher() -> TopicMatcher:
    return TopicMatcher(TOPICS)


def found(matcher: TopicMatcher, title: str, summary: str = "", context: str = "") -> set[int]:
    return matcher.match(article_text(title, summary), context)


# 1. Longest match wins ------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Snow in New Mexico", {NEW_MEXICO}),
        ("Hurricane enters the Gulf of Mexico", set()),
        ("Bushfires in New South Wales", set()),
        ("Earthquake off New Guinea", set()),
        ("Papua New Guinea votes", {PNG}),
        ("Guinea's junta leader sworn in", {GUINEA}),
        ("Guinea-Bissau coup", set()),
        ("Water crisis in Mexico City", {MEXICO_CITY, MEXICO}),  # in Mexico: both
        ("New Mexico and Mexico share the river", {NEW_MEXICO, MEXICO}),
        ("Latin America braces for tariffs", set()),
    ],
)
def test_the_longest_match_wins(matcher, title, expected):
    assert found(matcher, title) == expected


def test_a_place_named_after_a_country_is_not_the_country(matcher):
    assert found(matcher, "Peru, Indiana, floods") == set()
    assert found(matcher, "Mexico, Missouri, plant closes") == set()
    assert found(matcher, "Tornado hits Jordan County courthouse") == set()
    assert found(matcher, "Panama City, Florida, evacuates") == set()


def test_phrases_that_are_not_the_country_are_a_maintained_list():
    lex = lexicon()
    assert {"New Mexico", "Gulf of Mexico", "New South Wales", "New Guinea"} <= set(lex.not_phrases)
    assert ("Mexico City", "Mexico") in lex.within


# 2. Demonyms and adjectives -------------------------------------------------


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Mexican peso falls", {MEXICO}),
        ("Peruvians vote in runoff", {PERU}),
        ("Mexicans march for missing students", {MEXICO}),
        ("El Gobierno peruano acusa a México", {PERU, MEXICO}),  # Spanish adjective, lower case
        ("Le Pérou rompt avec le Mexique", {PERU, MEXICO}),  # French names
        ("New Mexican chile harvest late", set()),  # a demonym of the state, not the country
        ("Americans brace for price rises", {US}),
        ("Latin American leaders meet", set()),
        ("The US and Mexico talk trade", {US, MEXICO}),
        ("U.S. sanctions Mexican bank", {US, MEXICO}),
        ("Talks with us will resume, rebels say", set()),  # "us" is not the US
        ("Turkish lira slides", {TURKEY}),
        ("Türkiye signs water deal", {TURKEY}),
    ],
)
def test_countries_by_adjective_demonym_and_other_name(matcher, title, expected):
    assert found(matcher, title) == expected


def test_the_country_list_covers_every_un_member():
    countries = lexicon().countries
    assert len(countries) >= 195
    by_name = {c.name: c for c in countries}
    assert "Peruvian" in by_name["Peru"].adjectives and "Peruvians" in by_name["Peru"].adjectives
    assert "Mexicans" in by_name["Mexico"].adjectives
    assert {"US", "U.S.", "America"} <= set(by_name["United States"].names)


def test_a_country_topic_is_matched_by_its_line_whatever_it_is_called():
    matcher = TopicMatcher([TopicSpec(1, "Burma", "country"), TopicSpec(2, "Czech Republic", "country")])
    assert matcher.match("Myanmar's junta and Burmese exiles") == {1}
    assert matcher.match("Czechia votes; Czech turnout high") == {2}


# 3. Surnames in context -----------------------------------------------------


@pytest.mark.parametrize(
    ("title", "summary", "expected"),
    [
        # Her surname alone (no alias for it) with her context: an editor's term, or her description's.
        ("Chavez invokes the Caracas Convention", "Her lawyers asked for safe conduct.", {CHAVEZ}),
        ("Chávez seeks asylum", "The former Peruvian prime minister is in an embassy.", {CHAVEZ, PERU}),
        ("Chávez, Castillo's prime minister, speaks", "She called the dissolution a mistake.", {CHAVEZ, CASTILLO}),
        # Her full name makes every later "Chávez" hers.
        ("Betssy Chávez in embassy", "Chávez says she fears arrest.", {CHAVEZ}),
        # Namesakes: another first name, anywhere in the article.
        ("Hugo Chávez remembered in Caracas", "Chávez ruled Venezuela until 2013.", set()),
        ("Venezuela marks anniversary", "Supporters of Hugo Chávez gathered; Chávez died in 2013.", set()),
        ("Julio César Chávez Jr. arrested", "The Peruvian-born trainer was detained.", {PERU}),
        # No context: someone else.
        ("Chavez homers as Braves win", "The outfielder drove in four runs.", set()),
        ("Castillo strikes out nine", "The Mariners won again.", set()),
        ("Castillo appeals sentence", "Peru's jailed former president filed an appeal.", {CASTILLO, PERU}),
        ("Ana Castillo wins poetry prize", "The writer was honoured in Lima, Peru.", {PERU}),
    ],
)
def test_a_surname_alone_needs_the_full_name_or_context(matcher, title, summary, expected):
    assert found(matcher, title, summary) == expected


def test_a_rare_surname_counts_alone_and_a_common_one_needs_context():
    lex = lexicon()
    assert "chavez" in lex.common_surnames and "castillo" in lex.common_surnames
    assert "sheinbaum" not in lex.common_surnames
    matcher = TopicMatcher(TOPICS)
    assert found(matcher, "Sheinbaum's approval tops 70%", "A poll showed the president at a new high.") == {SHEINBAUM}
    # A rare surname that is also a word ("trump") counts where its capital means a name, not first in a sentence.
    assert found(matcher, "Carney meets Trump at the summit") == {TRUMP}
    assert found(matcher, "Trump card: opposition plays for time") == set()


def test_the_event_gives_context_to_an_article(matcher):
    """The clustering step passes the event's other articles: they support a match but add none of their own."""
    title, summary = "Chávez's lawyers file new petition", "The defence said the court ignored her rights."
    assert found(matcher, title, summary) == set()
    event = "Mexico grants asylum to Betssy Chávez, Peru's former prime minister."
    assert found(matcher, title, summary, context=event) == {CHAVEZ}  # not Mexico or Peru: they are not in the article
    other_event = "Hugo Chávez's daughter speaks in Caracas about the late Venezuelan leader."
    assert found(matcher, title, summary, context=other_event) == set()  # a namesake's event


# 4. Accents, case and HTML --------------------------------------------------


@pytest.mark.parametrize(
    ("title", "summary", "expected"),
    [
        ("PERÚ Y MÉXICO ROMPEN RELACIONES", "", {PERU, MEXICO}),
        ("<b>Breaking:</b> Mexico recalls envoy", "<p>Officials in <em>Mexico City</em> spoke.</p>", {MEXICO, MEXICO_CITY}),
        ("Perú &amp; México: what next?", "", {PERU, MEXICO}),
        ("Peru&#8217;s Congress censures minister", "", {PERU}),
        ("betssy chavez granted asylum", "the former peruvian premier stays.", {CHAVEZ, PERU}),  # no capitals at all
        ("Sheinbaum&nbsp;meets&nbsp;Trump", "Mexico and the United States talked.", {SHEINBAUM, TRUMP, MEXICO, US}),
        ("Me\u0301xico y Peru\u0301", "", {MEXICO, PERU}),  # combining accents
    ],
)
def test_accents_case_and_html_do_not_matter(matcher, title, summary, expected):
    assert found(matcher, title, summary) == expected


# 5. Common words, acronyms and names that are also something else ----------------


@pytest.mark.parametrize(
    ("title", "summary", "expected"),
    [
        ("Apple unveils thinner iPhone", "", {APPLE}),  # first word, but its context is there
        ("Apple prices soar after poor harvest", "Orchards lost a third of the crop.", set()),
        ("An apple a day", "", set()),
        ("Regulators question Apple over fees", "", {APPLE}),  # a capital inside a sentence: the company
        ("Big Apple braces for heat", "", set()),
        ("Shell profits beat forecasts", "The oil major raised its buyback.", {SHELL}),
        ("Shell shock: markets tumble", "", set()),
        ("Labour wins landslide", "Keir Starmer will be prime minister.", {LABOUR, STARMER}),
        ("Labour shortages hit farms", "Growers cannot find pickers.", set()),
        ("Ford recalls SUVs", "The carmaker said a camera could fail.", {FORD}),
        ("Harrison Ford to receive award", "The actor will be honoured.", set()),
        ("UN says famine confirmed", "", {UN}),
        ("NATO summit opens", "Nato leaders agreed to spend more.", {NATO}),
        ("Inflation eases", "Rising inflation worries households.", {INFLATION}),
    ],
)
def test_names_that_are_common_words(matcher, title, summary, expected):
    assert found(matcher, title, summary) == expected


@pytest.mark.parametrize(
    ("title", "summary", "expected"),
    [
        ("Georgia's parliament passes foreign agents law", "Protesters filled Tbilisi.", {GEORGIA}),
        ("Georgia recount confirms result", "Officials in Atlanta said the count matched.", set()),
        ("Jordan reopens border with Syria", "", {JORDAN}),
        ("Michael Jordan's jersey sells for $10m", "", set()),
        ("Jordan Peterson cancels tour", "", set()),
        ("Turkey raises rates", "The central bank in Ankara acted.", {TURKEY}),
        ("Turkey prices soar before Thanksgiving", "Bird flu culled flocks.", set()),
        ("How to roast a turkey", "", set()),
        ("Chad expels French troops", "", {CHAD}),
        ("Chad Smith joins reunion tour", "", set()),
    ],
)
def test_country_names_that_are_words_or_first_names(matcher, title, summary, expected):
    assert found(matcher, title, summary) == expected


def test_title_case_headlines_are_read_as_such(matcher):
    assert found(matcher, "Apple Prices Soar After Poor Harvest") == set()  # no capital means anything here
    assert found(matcher, "Sheinbaum Says Mexico Will Not Pay") == {SHEINBAUM, MEXICO}


# 6. What produced the match, and aliases switched off --------------------------


def test_the_name_that_produced_each_match_is_reported(matcher):
    detail = matcher.match_detail(article_text("Mexican envoy meets Betssy Chávez", "Chávez spoke in Lima."))
    assert detail == {MEXICO: "Mexican", CHAVEZ: "Betssy Chávez"}  # the strongest form wins
    assert matcher.match_detail("Chávez invokes the Caracas Convention") == {CHAVEZ: "Chávez"}


def test_a_switched_off_alias_matches_nothing():
    on = TopicMatcher([TopicSpec(1, "Mexico", "country"), TopicSpec(2, "Pedro Castillo", "person", ["Castillo"])])
    off = TopicMatcher(
        [
            TopicSpec(1, "Mexico", "country", disabled=frozenset({"mexican"})),
            TopicSpec(2, "Pedro Castillo", "person", ["Castillo"], disabled=frozenset({"castillo"})),
        ]
    )
    text = article_text("Mexican envoy meets Castillo", "Peru's former president Pedro Castillo.")
    assert on.match(text) == {1, 2}
    assert off.match(text) == {2}  # "Mexican" is off; Pedro Castillo still matches by his full name
    assert off.match("Mexico recalls envoy") == {1}


# 7. One pass, whatever the number of topics ------------------------------------


def test_many_topics_one_automaton_and_no_per_topic_work():
    specs = [TopicSpec(i, f"Person Number{i}", "person", [f"Number{i}"]) for i in range(5_000)]
    matcher = TopicMatcher([*specs, TopicSpec(99_999, "Lima", "place")])
    assert matcher.match("In Lima, Person Number4999 met Person Number7.") == {99_999, 4_999, 7}


def test_the_event_context_may_be_a_list_of_articles(matcher):
    title, summary = "Chávez's lawyers file new petition", "The defence said the court ignored her rights."
    event = [article_text("Peru refuses safe conduct", "The former premier Betssy Chávez stays in the embassy."), ""]
    assert found(matcher, title, summary, context=event) == {CHAVEZ}
