"""Find topics in article text, with context: one Aho-Corasick pass per text.

Every name the matcher knows is a pattern in one automaton: topics' names
and aliases, the surnames of people, the names and adjectives of countries
(``data/countries.txt``), phrases that contain a country's name but are not
that country (``data/phrases.txt``), each topic's context terms and the cue
words of ambiguous names. One scan of the folded text finds every pattern;
the rules below then decide, from the hits alone, which topics the text is
about (docs/ingestion.md, "Topic matching"):

1. **Longest match wins.** Overlapping hits resolve to the longest: "New
   Mexico" takes its words for itself, so *Mexico* is not matched (a topic
   named "New Mexico" is). Phrases inside a country ("Mexico City") match it.
2. **Countries by adjective and demonym**: a topic of kind country is
   matched by every name and adjective of its line in ``countries.txt``.
3. **A surname alone needs context**: "Chávez" counts for *Betssy Chávez*
   only when her full name or one of her context terms is in the article (or
   in the extra ``context`` text, e.g. the event's other articles), and not
   when a different first name stands before it ("Hugo Chávez").
4. **Case, accents and HTML**: text is folded (case, accents, spacing) for the
   scan, but the original case is kept beside it (the two strings have the
   same length) so that "apple" is not *Apple*, "US" is not "us", and a first
   name can be told from a common word.
5. **Names that are common words** ("Apple", "Shell", "Labour") need a
   capital where a capital means something (not the first word of a
   sentence, not a headline in title case) or context.

``TopicMatcher.match_detail`` returns, per topic, the name or alias that
produced the match (recorded on ``ArticleTopic.matched_as`` so editors'
decisions are counted per alias; aliases editors keep removing are switched off).
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import ahocorasick

DATA_DIR = Path(__file__).resolve().parent / "data"

# --------------------------------------------------------------------------
# Folding: same length as the input, so offsets in the folded text are
# offsets in the original (whose case the rules read).

_PUNCT = {
    "\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u2032": "'", "`": "'",
    "\u201c": '"', "\u201d": '"', "\u00ab": '"', "\u00bb": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-",
}  # fmt: skip


class _FoldTable(dict):
    """str.translate table: each character to one lower-case, unaccented character."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        if ch in _PUNCT:
            out = _PUNCT[ch]
        elif ch.isspace():
            out = " "
        else:
            low = ch.lower()
            if len(low) != 1:
                low = ch
            decomposed = unicodedata.normalize("NFKD", low)
            base = decomposed[:1]
            rest = decomposed[1:]
            out = base if base and len(base) == 1 and all(unicodedata.combining(c) for c in rest) else low
            if out == "ı":
                out = "i"
        self[code] = out
        return out


_FOLD = _FoldTable()
_TAG = re.compile(r"<[^>]*>")
_COMBINING = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def text_prepare(text: str) -> str:
    """Plain text with single spaces: tags dropped, entities decoded, combining marks composed or dropped."""
    if "<" in text:
        text = _TAG.sub(" ", text)
    if "&" in text and ";" in text:
        text = html.unescape(text)
    if not text.isascii():
        if not unicodedata.is_normalized("NFC", text):
            text = unicodedata.normalize("NFC", text)
        text = _COMBINING.sub("", text)
    return " ".join(text.split())


def text_fold(text: str) -> str:
    """Case-fold, strip accents and collapse whitespace, keeping word boundaries."""
    return text_prepare(text).translate(_FOLD)


def _fold_plain(text: str) -> str:
    """Fold already-prepared text (one character for one)."""
    if text.isascii() and "`" not in text:
        return text.lower()  # most text: the same as the table, at C speed
    return text.translate(_FOLD)


# --------------------------------------------------------------------------
# Data files


def _lines(name: str) -> Iterable[str]:
    for line in (DATA_DIR / name).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            yield line


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(";") if part.strip()]


@dataclass(frozen=True)
class Country:
    name: str
    names: tuple[str, ...]  # English and other-language names, the name first
    adjectives: tuple[str, ...]
    capitals: tuple[str, ...]


@dataclass(frozen=True)
class Lexicon:
    """Everything read from ``data/``, folded where it is looked up."""

    countries: tuple[Country, ...]
    country_by_name: dict[str, Country]  # folded name or other name -> its line
    not_phrases: tuple[str, ...]
    within: tuple[tuple[str, str], ...]  # phrase, country name
    after_words: frozenset[str]
    us_states: tuple[str, ...]
    us_states_folded: tuple[str, ...]
    person_names: frozenset[str]
    titles: frozenset[str]
    given_names: frozenset[str]
    senses: dict[str, tuple[frozenset[str], tuple[str, ...], tuple[str, ...]]]  # name -> kinds, other, this
    common_words: frozenset[str]
    first_names: frozenset[str]
    common_surnames: frozenset[str]
    generic_words: frozenset[str]


def _is_adjective_like(value: str) -> bool:
    """A Spanish or French adjective (written lower-case) rather than a name."""
    return value[:1].islower()


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    countries = []
    for line in _lines("countries.txt"):
        cols = [c.strip() for c in line.split("|")] + [""] * 5
        name, others, adjectives, capitals, foreign = cols[:5]
        foreign_values = _split(foreign)
        names = [name, *_split(others), *(v for v in foreign_values if not _is_adjective_like(v))]
        adjs = [*_split(adjectives), *(v for v in foreign_values if _is_adjective_like(v))]
        countries.append(Country(name, tuple(dict.fromkeys(names)), tuple(dict.fromkeys(adjs)), tuple(_split(capitals))))
    by_name: dict[str, Country] = {}
    for country in countries:
        for value in country.names:
            by_name.setdefault(text_fold(value), country)

    sections: dict[str, list[str]] = {}
    current = ""
    for line in _lines("phrases.txt"):
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1]
            continue
        sections.setdefault(current, []).append(line)

    def words(section: str) -> list[str]:
        return [value for line in sections.get(section, []) for value in _split(line)]

    within = []
    for line in sections.get("within", []):
        phrase, _, country = line.partition("=>")
        within.append((phrase.strip(), country.strip()))
    senses = {}
    for line in sections.get("senses", []):
        cols = [c.strip() for c in line.split("|")] + [""] * 4
        kinds = frozenset(_split(cols[1]))
        senses[text_fold(cols[0])] = (kinds, tuple(_split(cols[2])), tuple(_split(cols[3])))
    common = frozenset(_lines("common_words.txt"))
    first_names = frozenset(_lines("first_names.txt"))
    common_surnames = frozenset(_lines("surnames_common.txt"))
    return Lexicon(
        countries=tuple(countries),
        country_by_name=by_name,
        not_phrases=tuple(sections.get("not", [])),
        within=tuple(within),
        after_words=frozenset(text_fold(w) for w in words("after")),
        us_states=tuple(words("us-states")),
        us_states_folded=tuple(text_fold(w) for w in words("us-states")),
        person_names=frozenset(text_fold(w) for w in words("person-names")),
        titles=frozenset(text_fold(w).rstrip(".") for w in words("titles")),
        given_names=frozenset(text_fold(w) for w in words("given-names")),
        senses=senses,
        common_words=common,
        first_names=first_names,
        common_surnames=common_surnames,
        generic_words=frozenset(text_fold(w) for w in words("generic")),
    )


# --------------------------------------------------------------------------
# Topics as the matcher sees them


@dataclass
class TopicSpec:
    """A topic's matching data: what ``Topic`` stores, or an entry of a labelled set."""

    id: int
    name: str
    kind: str = "theme"
    aliases: list[str] = field(default_factory=list)
    description: str = ""
    context: list[str] = field(default_factory=list)  # editors' context terms
    disabled: frozenset[str] = frozenset()  # folded names/aliases switched off (editors kept removing them)


# Roles of a pattern for a topic, strongest first (the strength picks the
# alias recorded for a match when several produced it).
NAME, ALIAS, WITHIN, DEMONYM, COMMON, SURNAME, CONTEXT, CUE_OTHER, CUE_THIS, BLOCK = range(10)
_CONSUMING = frozenset({NAME, ALIAS, WITHIN, DEMONYM, COMMON, SURNAME, BLOCK})
_STRENGTH = {NAME: 6, ALIAS: 5, WITHIN: 4, DEMONYM: 4, COMMON: 3, SURNAME: 2}
_PROPER_KINDS = frozenset({"person", "country", "organisation", "place"})
_PLACE_KINDS = frozenset({"country", "place"})

_PARTICLES = frozenset(
    "da de del della der di do dos du la le van von bin al el ibn ben y".split()
)  # fmt: skip
_SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})
_STOP_CAPS = frozenset(
    "the a an he she it they his her its their in on at for from of and but as by to with this that these those "
    "born after before during since while when where who which what january february march april may june july "
    "august september october november december monday tuesday wednesday thursday friday saturday sunday "
    "la le les el los las lo un una une des du de del al y et en a o da do die der das den dem il gli ses sus su "
    "sa son por para con sin sobre avec pour dans sur par".split()
)  # fmt: skip
_LOWER_WORD = re.compile(r"(?<![\w'’-])[a-z][a-z-]{4,}(?![\w'’-])")


def _description_words(description: str, lex: Lexicon) -> list[str]:
    """The description's own lower-case words that say what the topic is ("carmaker", "asylum", "refining")."""
    return [w for w in dict.fromkeys(_LOWER_WORD.findall(description)) if w not in lex.generic_words]


@dataclass(slots=True)
class Use:
    role: int
    topic: int  # 0 for none (blocks, cues)
    key: str  # the name or alias as written, for learning; the sense key for cues
    needs_cap: bool = False  # the original must start with a capital (when the text has any)
    acronym: bool = False  # the original must be in capitals ("US", not "us")
    place: bool = False  # a country or place name: "Peru, Indiana" and "Jordan County" rules
    person_name: bool = False  # the place name is also a first name or surname ("Jordan")
    sense: str = ""  # folded ambiguous name with cue lists (data/phrases.txt [senses])
    given: frozenset[str] = frozenset()  # for surnames: the topic's own name words (folded)
    rare: bool = False  # for surnames: rare, and no English word ("Sheinbaum"): counts without context
    rare_name: bool = False  # for surnames: rare as a name, maybe a word ("Trump"): counts where its capital means a name
    caps_ok: bool = False  # another spelling of the same name is all capitals ("Nato", "NATO")
    single: bool = False  # one word naming an organisation, a place or a country: not after a first name


def _is_acronym(value: str) -> bool:
    letters = [c for c in value if c.isalpha()]
    return 1 < len(letters) <= 5 and all(c.isupper() for c in letters)


def _needs_cap(value: str, kind: str) -> bool:
    return kind in _PROPER_KINDS and value[:1].isupper()


_WORD = re.compile(r"[^\W_][\w'’.-]*[^\W_]|[^\W_]")


_CONNECTORS = _PARTICLES | {"of", "the", "and", "for"}


def _capitalised_phrases(text: str, common: frozenset[str]) -> list[str]:
    """Proper nouns and capitalised phrases of a description ("Caracas Convention", "Peru")."""
    found: list[str] = []
    for sentence in re.split(r"(?<=[.!?;:])\s+|\n+|\(|\)|,", text):
        run: list[tuple[str, int]] = []
        for index, raw in enumerate([*sentence.split(), ""]):
            token = raw.strip(".,;:!?\"'“”‘’()[]")
            if token.endswith(("'s", "’s")):
                token = token[:-2]
            proper = token[:1].isupper() or (token[:1].isalpha() and any(c.isupper() for c in token[1:]))
            if proper:
                run.append((token, index))
                if raw == token or raw.endswith(("'s", "’s")):
                    continue  # punctuation after a word ends its phrase
            elif token and run and text_fold(token) in _CONNECTORS:
                run.append((token, index))
                continue
            _phrase_add(found, run, common)
            run = []
    return found


def _phrase_add(found: list[str], run: list[tuple[str, int]], common: frozenset[str]) -> None:
    while run and text_fold(run[-1][0]) in _CONNECTORS:
        run = run[:-1]
    if not run:
        return
    words = [w for w, _ in run]
    first, first_index = run[0]
    if first_index == 0 and (text_fold(first) in common or text_fold(first) in _STOP_CAPS):
        words = words[1:]  # a capital that only starts the sentence
    if not words:
        return
    phrase = " ".join(words)
    folded = [text_fold(w) for w in words if text_fold(w) not in _CONNECTORS]
    if len(words) > 1 and not all(f in common or f in _STOP_CAPS for f in folded):
        found.append(phrase)
    for part in re.split(r"\s+(?:of|the|de|del|and|for)\s+", phrase):
        f = text_fold(part)
        if " " not in f and len(f) >= 3 and f not in common and f not in _STOP_CAPS:
            found.append(part)


def _surnames(name: str) -> list[str]:
    """The surname forms of a person's name: "Chávez", "von der Leyen", "López Obrador" and "Obrador"."""
    tokens = [t for t in name.replace(",", " ").split() if t.lower() not in _SUFFIXES]
    if len(tokens) < 2:
        return []
    i = len(tokens) - 1
    while i - 1 > 0 and tokens[i - 1].lower() in _PARTICLES:
        i -= 1
    out = [" ".join(tokens[i:])]
    if i == len(tokens) - 1 and len(tokens) >= 3 and tokens[-2][:1].isupper():
        out.append(" ".join(tokens[-2:]))
    return [s for s in out if len(text_fold(s).replace(" ", "")) >= 3]


class TopicMatcher:
    """An automaton over every name the matcher knows; ``match(text)`` returns the topic ids found."""

    def __init__(self, topics: Iterable[TopicSpec | tuple[int, str]]):
        lex = lexicon()
        self._lex = lex
        specs: dict[int, TopicSpec] = {}
        for item in topics:  # (id, name) pairs still work: each a name of a theme-like topic
            if isinstance(item, tuple):
                topic_id, name = item
                spec = specs.setdefault(topic_id, TopicSpec(id=topic_id, name=name, kind=""))
                if spec.name != name:
                    spec.aliases.append(name)
            else:
                specs[item.id] = item
        self.topics = specs
        self._patterns: dict[str, list[Use]] = {}
        self._index: dict[tuple[str, int, int, str], Use] = {}
        self._countries: dict[str, list[int]] = {}  # country name -> topic ids of kind country
        self._related: dict[int, set[int]] = {}  # topics one of whose descriptions names the other
        self._build(lex)
        self._automaton = ahocorasick.Automaton()
        for pattern, uses in self._patterns.items():
            consuming = tuple(u for u in uses if u.role in _CONSUMING)
            # Evidence in groups of the same role and case rule: (role, a use to check the case with, the
            # topics or cue names it supports), so a term that is context for 5,000 topics is one set, not 5,000 uses.
            groups: dict[tuple, tuple[Use, set]] = {}
            for u in uses:
                if u.role in _EVIDENCE:
                    group = groups.setdefault((u.role, u.needs_cap, u.acronym, u.caps_ok), (u, set()))
                    group[1].add(u.key if u.role in (CUE_OTHER, CUE_THIS) else u.topic)
            evidence = tuple((role, u, frozenset(values)) for (role, *_r), (u, values) in groups.items())
            case_rules = (any(map(_has_case_rule, consuming)), any(_has_case_rule(u) for _r, u, _v in evidence))
            self._automaton.add_word(pattern, (len(pattern), consuming, evidence, *case_rules))
        del self._index
        self.is_empty = not specs or not self._patterns
        if self._patterns:
            self._automaton.make_automaton()

    # -- building --------------------------------------------------------

    def _add(self, value: str, use: Use, disabled: frozenset[str] = frozenset()) -> None:
        folded = text_fold(value)
        if not folded or (use.topic and use.role in _STRENGTH and folded in disabled):
            return
        index_key = (folded, use.role, use.topic, "" if use.topic else use.key)
        other = self._index.get(index_key)
        if other is not None:
            if other.acronym != use.acronym:  # "Nato" and "NATO": either spelling
                other.acronym, other.caps_ok = False, True
            return
        self._index[index_key] = use
        self._patterns.setdefault(folded, []).append(use)

    def _build(self, lex: Lexicon) -> None:
        common = lex.common_words
        # Known names that are no topic still take their words (longest match wins).
        for country in lex.countries:
            for value in (*country.names, *country.adjectives):
                self._add(value, Use(BLOCK, 0, value))
        for phrase in lex.not_phrases:
            self._add(phrase, Use(BLOCK, 0, phrase))
        for name, (_kinds, other, this) in lex.senses.items():
            for cue in other:
                self._add(cue, Use(CUE_OTHER, 0, name, needs_cap=cue[:1].isupper()))
            for cue in this:
                self._add(cue, Use(CUE_THIS, 0, name, needs_cap=cue[:1].isupper()))

        by_country: dict[str, Country] = {}
        for spec in self.topics.values():
            if spec.kind == "country":
                for value in (spec.name, *spec.aliases):
                    country = lex.country_by_name.get(text_fold(value))
                    if country is not None:
                        by_country[country.name] = country
                        self._countries.setdefault(country.name, []).append(spec.id)
                        break
        for phrase, country_name in lex.within:
            for topic_id in self._countries.get(country_name, []):
                spec = self.topics[topic_id]
                self._add(phrase, Use(WITHIN, topic_id, phrase, needs_cap=True), spec.disabled)

        # Names of topics and countries, to find in descriptions (one scan each, however many topics).
        names_in = ahocorasick.Automaton()
        found_in: dict[str, list[object]] = {}
        for spec in self.topics.values():
            for value in (spec.name, *spec.aliases):
                folded = text_fold(value)
                if len(folded) >= 4:
                    found_in.setdefault(folded, []).append(spec.id)
        for country in lex.countries:
            for value in (*country.names, *country.adjectives):
                if value[:1].isupper():
                    found_in.setdefault(text_fold(value), []).append(country)
        for folded, targets in found_in.items():
            names_in.add_word(folded, (len(folded), targets))
        if found_in:
            names_in.make_automaton()
        self._names_in = names_in if found_in else None
        for spec in self.topics.values():
            self._build_topic(spec, lex, by_country, common)
        # A related person's surname is context too: "Chávez, Castillo's prime minister" names both.
        for topic_id, others in self._related.items():
            for other_id in others:
                other = self.topics[other_id]
                if other.kind == "person":
                    for surname in _surnames(other.name):
                        self._add(surname, Use(CONTEXT, topic_id, surname, needs_cap=True))

    def _named_in(self, folded: str) -> tuple[list[int], list[Country]]:
        """The topics and countries a folded description names (whole words)."""
        topic_ids: dict[int, None] = {}
        countries: dict[str, Country] = {}
        if self._names_in is None:
            return [], []
        last = len(folded) - 1
        for end, (length, targets) in self._names_in.iter(folded):
            start = end - length + 1
            if (start > 0 and folded[start - 1].isalnum()) or (end < last and folded[end + 1].isalnum()):
                continue
            for target in targets:
                if isinstance(target, Country):
                    countries[target.name] = target
                else:
                    topic_ids[target] = None
        return list(topic_ids), list(countries.values())

    def _build_topic(self, spec: TopicSpec, lex: Lexicon, by_country, common) -> None:
        kind, disabled = spec.kind, spec.disabled
        names = [n for n in dict.fromkeys([spec.name, *spec.aliases]) if n.strip()]
        name_words = {text_fold(w).strip(".,") for n in names for w in n.split() if " " in n.strip()}
        place = kind in _PLACE_KINDS
        sense_kinds = lex.senses

        def base_use(role: int, value: str) -> Use:
            folded = text_fold(value)
            sense = folded if folded in sense_kinds and kind in sense_kinds[folded][0] else ""
            last = folded.split()[-1] if folded.split() else folded
            return Use(
                role,
                spec.id,
                value,
                needs_cap=_needs_cap(value, kind),
                acronym=_is_acronym(value) and kind != "theme",
                place=place,
                person_name=place and (folded in lex.person_names or (kind == "place" and folded in lex.first_names)),
                sense=sense,
                given=frozenset(name_words),
                rare=last not in lex.common_surnames and last not in lex.common_words and last not in lex.first_names,
                rare_name=last not in lex.common_surnames and last not in lex.first_names,
                single=kind in _PROPER_KINDS and kind != "person" and " " not in folded and not _is_acronym(value),
            )

        for value in names:
            folded = text_fold(value)
            single = " " not in folded
            if not single:
                self._add(value, base_use(NAME, value), disabled)
            elif kind == "person" and value != spec.name:
                # A word of the full name alone ("Sheinbaum") is a surname: it needs context.
                # Another one-word alias is a nickname ("AMLO", "Lula"), unless it is a common word.
                if folded in name_words:
                    role = SURNAME
                elif folded in common and not _is_acronym(value):
                    role = COMMON
                else:
                    role = ALIAS
                self._add(value, base_use(role, value), disabled)
            elif kind in _PROPER_KINDS and kind != "country" and folded in common and not _is_acronym(value):
                # "Apple", "Shell", "Labour": a capital that means something, or context.
                # (Countries are exempt: "China" in a headline is the country; "china" is not.)
                self._add(value, base_use(COMMON, value), disabled)
            else:
                # One word: an alias, even if it is the name (a full name, for the surname rule, has two words or more).
                self._add(value, base_use(ALIAS, value), disabled)
        if kind == "person":
            for surname in _surnames(spec.name):
                self._add(surname, base_use(SURNAME, surname), disabled)

        country = None
        if kind == "country":
            for value in names:
                country = lex.country_by_name.get(text_fold(value))
                if country:
                    break
        if country is not None:
            for value in country.names:
                if text_fold(value) not in {text_fold(n) for n in names}:
                    self._add(value, base_use(ALIAS, value), disabled)
            for value in country.adjectives:
                self._add(value, base_use(DEMONYM, value), disabled)

        # Context: editors' terms, proper nouns of the description, the
        # countries and topics it names (with their other names and adjectives).
        terms: list[str] = list(spec.context)
        description = text_prepare(spec.description or "")
        if description:
            phrases = _capitalised_phrases(description, common)
            terms.extend(phrases)
            for phrase in phrases:  # people named there: "Nigel Farage" makes "Farage" context too
                words = phrase.split()
                if 2 <= len(words) <= 3 and text_fold(words[0]) in lex.first_names:
                    last = text_fold(words[-1])
                    if last not in lex.common_surnames and last not in common and last not in lex.first_names:
                        terms.append(words[-1])
            named_topics, named_countries = self._named_in(_fold_plain(description))
            for other in named_countries:
                terms.extend((*other.names, *other.adjectives))
                if kind == "person":
                    terms.extend(other.capitals)  # where a politician works: "Lima" for Castillo
            for other_id in named_topics:
                if other_id != spec.id:
                    self._related.setdefault(spec.id, set()).add(other_id)
                    self._related.setdefault(other_id, set()).add(spec.id)
                    other_spec = self.topics[other_id]
                    terms.extend(
                        n for n in (other_spec.name, *other_spec.aliases) if " " in n.strip() or other_spec.kind != "person"
                    )
            terms.extend(_description_words(description, lex))
        if country is not None:
            terms.extend(country.capitals)
        own = {text_fold(n) for n in names}
        terms = [
            t
            for t in dict.fromkeys(terms)
            if (f := text_fold(t)) and f not in own and f not in name_words and (len(f) >= 3 or _is_acronym(t))
        ]
        for term in terms:
            self._add(term, Use(CONTEXT, spec.id, term, needs_cap=term[:1].isupper(), acronym=_is_acronym(term)))
        if spec.kind in _PROPER_KINDS:
            sense = text_fold(spec.name)
            if sense in lex.senses:
                for term in terms:
                    self._add(term, Use(CUE_THIS, 0, sense, needs_cap=term[:1].isupper(), acronym=_is_acronym(term)))

    # -- matching --------------------------------------------------------

    def match(self, text: str, context: str | Iterable[str] = "") -> set[int]:
        """Topic ids named in ``text``; ``context`` (e.g. the event's other articles) only supports them."""
        return set(self.match_detail(text, context))

    def match_detail(self, text: str, context: str | Iterable[str] = "") -> dict[int, str]:
        """Topic id -> the name or alias that produced its match.

        ``context`` is text that supports the article's matches without adding
        any: a full name, a context term or a namesake found there counts as if
        in the article. Give the event's other articles as a list of texts (or
        one text, parts separated by " | "), each an ``article_text``.
        """
        if self.is_empty or not text:
            return {}
        if context and not isinstance(context, str):
            context = " | ".join(part for part in context if part)
        article = _Scan(self, text)
        return _decide(self, article, [_Scan(self, context)] if context else [])

    def needs_context(self, text: str) -> bool:
        """Whether context could add a match to what ``text`` alone gives: a name in it waits for context (a
        surname alone, a common word), or was set aside for a reason context may outweigh (a namesake, the cue
        of another sense). Context never adds to the others' matches (it can only take some away)."""
        if self.is_empty or not text:
            return False
        flags: list = []
        _decide(self, _Scan(self, text), [], flags)
        return bool(flags)

    def match_in_context(self, texts: list[str], only: set[int] | None = None) -> list[dict[int, str]]:
        """``match_detail(texts[i], [every other text])`` for each text of a group (an event's articles): the
        same results, each text read once instead of once more in every other's context.

        The others' joined text is read part by part: a hit never crosses the " | " between two parts, a
        part's segments and sentence starts are its own, and what the rules read of the context (its
        evidence, its namesakes) is the sum of its parts'. The one fact of the whole joined text, whether it
        has a capital anywhere, is given to each part's reading; a part not as ``text_prepare`` leaves it
        (which the join could change) sends that text back to the joined reading. ``only``: the indexes of
        the texts to match (the others are context only, their results empty).
        """
        if self.is_empty:
            return [{} for _ in texts]
        own = [_Scan(self, text) if text else None for text in texts]
        plain = [bool(text) and text_prepare(text) == text for text in texts]
        capitals = [scan is not None and scan.orig.lower() != scan.orig for scan in own]
        forced: dict[int, _Scan] = {}  # a text without capitals read as a part of a context that has some
        results = []
        for i, text in enumerate(texts):
            if not text or (only is not None and i not in only):
                results.append({})
                continue
            others = [j for j, other in enumerate(texts) if other and j != i]
            if not all(plain[j] for j in others):
                results.append(self.match_detail(text, [texts[j] for j in others]))
                continue
            upper = any(capitals[j] for j in others)
            extras = []
            for j in others:
                if capitals[j] or not upper:
                    extras.append(own[j])
                else:
                    if j not in forced:
                        forced[j] = _Scan(self, texts[j], has_upper=True)
                    extras.append(forced[j])
            results.append(_decide(self, own[i], extras))
        return results


def _whole(folded: str, pattern: str) -> bool:
    start = folded.find(pattern)
    while start != -1:
        end = start + len(pattern)
        if (start == 0 or not folded[start - 1].isalnum()) and (end >= len(folded) or not folded[end].isalnum()):
            return True
        start = folded.find(pattern, start + 1)
    return False


# --------------------------------------------------------------------------
# One text: its hits and the facts the rules read


_SENTENCE_END = frozenset(".!?:;|")
_OPENERS = frozenset("\"'([«¿¡“‘")


class _Scan:
    __slots__ = ("orig", "folded", "_segments", "_has_upper", "chosen", "evidence", "hits", "_namesakes")

    def __init__(self, matcher: TopicMatcher, text: str, *, has_upper: bool | None = None):
        """``has_upper``: whether the text has a capital anywhere, when it is read as a part of a longer one."""
        self.orig = orig = text_prepare(text)
        self.folded = folded = _fold_plain(orig)
        self._segments: list[tuple[int, int, bool, bool]] | None = None
        self._has_upper: bool | None = has_upper
        self._namesakes: set[tuple[int, str]] | None = None
        hits = []
        last = len(folded) - 1
        for end, payload in matcher._automaton.iter(folded):
            start = end - payload[0] + 1
            if start > 0 and folded[start - 1].isalnum():
                continue
            if end < last and folded[end + 1].isalnum():
                continue
            hits.append((start, end + 1, payload))
        self.hits = hits
        case_ok = self.case_ok
        # Longest match wins: greedy by length, then leftmost, among hits some use of which passes its case rule.
        chosen: list[tuple[int, int, tuple[Use, ...]]] = []
        if len(hits) > 1:
            previous_end = -1
            for start, end, payload in hits:  # in order of their ends: overlaps only if a start goes back
                if payload[1]:
                    if start < previous_end:
                        hits.sort(key=_longest_first)
                        break
                    previous_end = end
        for start, end, (_n, consuming, _e, case_rule, _ec) in hits:
            if not consuming:
                continue
            overlaps = False
            for s, e, _u in chosen:
                if start < e and s < end:
                    overlaps = True
                    break
            if overlaps:
                continue
            if case_rule:
                consuming = tuple([u for u in consuming if case_ok(start, end, u)])
                if not consuming:
                    continue
            chosen.append((start, end, consuming))
        self.chosen = chosen
        # Evidence: context terms, cues and full names, unless inside a longer chosen span.
        evidence: list[tuple[int, frozenset]] = []
        for start, end, (_n, _c, groups, _cc, case_rule) in hits:
            if not groups:
                continue
            inside = False
            for s, e, _u in chosen:
                if s <= start and end <= e and (s != start or e != end):
                    inside = True
                    break
            if inside:
                continue
            for role, use, values in groups:
                if not case_rule or case_ok(start, end, use):
                    evidence.append((role, values))
        self.evidence = evidence

    @property
    def segments(self) -> list[tuple[int, int, bool, bool]]:
        if self._segments is None:
            self._segments = _segments(self.orig)
        return self._segments

    def segment(self, pos: int) -> tuple[int, int, bool, bool]:
        for seg in self.segments:
            if seg[0] <= pos < seg[1]:
                return seg
        return self.segments[-1]

    def case_ok(self, start: int, end: int, use: Use) -> bool:
        if use.role == BLOCK or not (use.acronym or use.needs_cap):
            return True
        span = self.orig[start:end]
        if use.acronym:
            return span.isupper() or self.segment(start)[3]
        if not span[:1].isupper():
            if self._has_upper is None:
                self._has_upper = self.orig.lower() != self.orig
            return not self._has_upper
        if len(span) <= 3 and span.isupper() and not use.caps_ok and not self.segment(start)[3]:
            return False  # "UN" is not "Un"
        return True

    def sentence_start(self, pos: int) -> bool:
        seg_start = self.segment(pos)[0]
        i = pos - 1
        while i >= seg_start and (self.orig[i] == " " or self.orig[i] in _OPENERS):
            i -= 1
        return i < seg_start or self.orig[i] in _SENTENCE_END or (self.orig[i] == "-" and i > 0 and self.orig[i - 1] == " ")

    def informative_capital(self, start: int) -> bool:
        _s, _e, title_case, caps = self.segment(start)
        return not title_case and not caps and self.orig[start].isupper() and not self.sentence_start(start)

    def word_before(self, start: int) -> tuple[str, int]:
        """The capitalised word right before ``start`` (one space between) and its start; ("", -1) if none.

        Only capitalised words matter to the rules (a first name, a title), so others are not returned.
        The title and summary are joined by " | ", so no word is found across them.
        """
        orig = self.orig
        if start < 2 or orig[start - 1] != " ":
            return "", -1
        begin = orig.rfind(" ", 0, start - 1) + 1
        while begin < start - 1 and orig[begin] in _OPENERS:
            begin += 1
        if not orig[begin].isupper():
            return "", -1
        word = orig[begin : start - 1].rstrip(",;:")
        return (word, begin) if word == orig[begin : start - 1] else ("", -1)

    def word_after(self, end: int) -> tuple[str, int]:
        """The capitalised word right after ``end`` (one space between), without a full stop; ("", -1) if none."""
        orig = self.orig
        if end + 1 >= len(orig) or orig[end] != " " or not orig[end + 1].isupper():
            return "", -1
        stop = orig.find(" ", end + 1)
        word = orig[end + 1 : stop if stop != -1 else len(orig)]
        word = word.rstrip(".,;:!?)\"'”’")
        return (word, end + 1) if word else ("", -1)

    def in_chosen(self, start: int, end: int) -> bool:
        return any(s < end and start < e for s, e, _u in self.chosen)


_EVIDENCE = frozenset({CONTEXT, CUE_OTHER, CUE_THIS, NAME})


def _has_case_rule(use: Use) -> bool:
    return use.role != BLOCK and (use.acronym or use.needs_cap)


def _longest_first(hit: tuple) -> tuple[int, int]:
    return (hit[0] - hit[1], hit[0])


def _segments(orig: str) -> list[tuple[int, int, bool, bool]]:
    """(start, end, title case, all capitals) for the title and the summary ("title | summary")."""
    out = []
    start = 0
    for part in orig.split(" | "):
        end = start + len(part)
        words = [w for w in _LONG_WORD.findall(part)[1:] if w.lower() not in _TITLE_CASE_LOWER]
        title_case = len(words) >= 2 and all(w[0].isupper() for w in words)
        out.append((start, end, title_case, part.isupper()))
        start = end + 3
    return out or [(0, 0, False, False)]


# Short words a headline in title case may leave in lower case.
_TITLE_CASE_LOWER = frozenset("with from into over than that onto upon about after amid near under".split())
_LONG_WORD = re.compile(r"[^\W\d_]{4,}")


def _is_given_name(scan: _Scan, word: str, pos: int, lex: Lexicon, own: frozenset[str]) -> bool:
    """Whether ``word`` (right before a surname) is somebody's first name."""
    if not word or word.endswith(("'s", "’s", "s'", "’", ".")):
        return False  # a possessive, an abbreviation or the end of a sentence
    if "-" in word:
        parts = word.split("-")
        if any(text_fold(p).rstrip(".") in lex.titles or text_fold(p) == "ex" for p in parts):
            return False
        word = parts[-1]
    if not word[:1].isupper() or len(word.rstrip(".")) < 2:
        return False
    if word.isupper():
        return False  # an acronym: "PM", "US"
    folded = text_fold(word).rstrip(".")
    if folded in own or folded in lex.titles:
        return False
    if folded in lex.given_names or (folded in lex.first_names and folded in lex.common_words):
        return not scan.sentence_start(pos)
    if folded in lex.common_words or folded in _STOP_CAPS:
        return False
    if scan.in_chosen(pos, pos + len(word)):
        return False  # a country, an adjective, a topic: "Peruvian Chávez"
    return True


def _is_first_name(scan: _Scan, word: str, pos: int, lex: Lexicon) -> bool:
    """Whether ``word`` is a known first name ("Michael", "Doug"), written as one."""
    if not word[:1].isupper() or word.isupper() or word.endswith(("'s", "’s", ".")):
        return False
    folded = text_fold(word)
    if folded in _STOP_CAPS or (folded not in lex.first_names and folded not in lex.given_names):
        return False
    return not (folded in lex.common_words and scan.sentence_start(pos))


def _place_rules_ok(scan: _Scan, start: int, end: int, use: Use, lex: Lexicon) -> bool:
    """ "Peru, Indiana", "Jordan County" and "Michael Jordan" are not the country."""
    orig = scan.orig
    if orig.startswith(", ", end):
        tail = _fold_plain(orig[end + 2 : end + 26])
        for folded in lex.us_states_folded:
            if tail.startswith(folded) and (len(tail) == len(folded) or not tail[len(folded)].isalnum()):
                return False
    after, after_pos = scan.word_after(end)
    if not after or not after[:1].isupper():
        return True  # the common case: nothing capitalised follows
    _s, _e, title_case, caps = scan.segment(start)
    folded_after = text_fold(after)
    if not title_case and not caps and folded_after in lex.after_words:
        return False
    if use.person_name and not after.isupper():
        if (
            not caps
            and (folded_after in lex.common_surnames or (not title_case and folded_after not in lex.common_words))
            and folded_after not in lex.titles
            and folded_after not in _STOP_CAPS
            and not scan.in_chosen(after_pos, after_pos + len(after))
        ):
            return False  # "Jordan Peterson", "Chad Smith", "India Walton"
    return True


def _namesakes(scan: _Scan, lex: Lexicon) -> set[tuple[int, str]]:
    """Surnames that follow another first name in this text ("Hugo Chávez"): (topic, folded surname)."""
    if scan._namesakes is None:
        found = set()
        for start, _end, uses in scan.chosen:
            for use in uses:
                if use.role == SURNAME:
                    word, pos = scan.word_before(start)
                    if word and _is_given_name(scan, word, pos, lex, use.given):
                        found.add((use.topic, text_fold(use.key)))
        scan._namesakes = found
    return scan._namesakes


def _decide(matcher: TopicMatcher, article: _Scan, extras: list[_Scan], flags: list | None = None) -> dict[int, str]:
    """The article's matches; ``extras``: the parts of its context (the event's other articles), read.
    ``flags`` (a list) gets each use that context could decide otherwise (``TopicMatcher.needs_context``)."""
    lex = matcher._lex
    evidence = article.evidence
    if extras:
        evidence = evidence + [item for extra in extras for item in extra.evidence]
    if evidence:
        named = _Union([values for role, values in evidence if role == NAME])
        context_for = _Union([values for role, values in evidence if role == CONTEXT or role == NAME])
        cues_other = set().union(*[values for role, values in evidence if role == CUE_OTHER])
        cues_this = set().union(*[values for role, values in evidence if role == CUE_THIS])
    else:  # most articles: nothing but plain names
        named = context_for = _NOTHING
        cues_other = cues_this = frozenset()

    # Surnames that, somewhere in the article or its event, follow another first name ("Hugo Chávez").
    namesakes = _namesakes(article, lex)
    if extras:
        namesakes = namesakes.union(*[_namesakes(extra, lex) for extra in extras])

    # Rules that need no context first; what is left waits for context.
    found: dict[int, tuple[int, str]] = {}
    waiting: list[tuple[int, Use]] = []
    for start, end, uses in article.chosen:
        for use in uses:
            if use.role == BLOCK or not use.topic:
                continue
            if use.role == SURNAME:
                if (use.topic, text_fold(use.key)) in namesakes and use.topic not in named:
                    if flags is not None:
                        flags.append(use)  # unless the context names this topic in full
                    continue  # "Hugo Chávez" is here: a bare "Chávez" is him too
                if not (use.topic in named or use.rare or (use.rare_name and article.informative_capital(start))):
                    waiting.append((start, use))  # a common surname ("Castillo") needs the person's context
                    continue
            elif use.single:
                word, pos = article.word_before(start)
                if word and _is_first_name(article, word, pos, lex):
                    continue  # "Harrison Ford", "Michael Jordan": a person's name
                if use.role == COMMON and not article.informative_capital(start):
                    waiting.append((start, use))  # "Apple prices", "Shell shock": context decides
                    continue
            if use.place and not _place_rules_ok(article, start, end, use, lex):
                continue
            if use.sense and use.sense in cues_other and use.sense not in cues_this and use.topic not in named:
                if flags is not None:
                    flags.append(use)  # unless the context names it or cues this sense
                continue
            _found_add(found, use)
    if flags is not None:
        flags.extend(use for _start, use in waiting)
    if not waiting:
        return {topic: key for topic, (_s, key) in found.items()}

    # Context: the topic's own terms, or a related topic found (one named in the other's description).
    related = matcher._related
    while waiting:
        still = []
        for start, use in waiting:
            supported = use.topic in context_for or any(other in found for other in related.get(use.topic, ()))
            if supported or (use.role == COMMON and use.sense and use.sense in cues_this):
                if use.sense and use.sense in cues_other and use.sense not in cues_this and use.topic not in named:
                    continue
                _found_add(found, use)
            else:
                still.append((start, use))
        if len(still) == len(waiting):
            break
        waiting = still
    return {topic: key for topic, (_s, key) in found.items()}


class _Union:
    """Membership in any of a few sets, without building their union."""

    __slots__ = ("sets",)

    def __init__(self, sets: list[frozenset]):
        self.sets = sets

    def __contains__(self, item) -> bool:
        for values in self.sets:
            if item in values:
                return True
        return False


_NOTHING = _Union([])


def _found_add(found: dict[int, tuple[int, str]], use: Use) -> None:
    strength = _STRENGTH[use.role]
    if use.topic not in found or found[use.topic][0] < strength:
        found[use.topic] = (strength, use.key)


def article_text(title: str, summary: str) -> str:
    """The text an article is matched on: its title and summary, kept apart (a title in title case is read as such)."""
    return f"{title} | {summary}" if summary else title


# --------------------------------------------------------------------------
# The matcher for the stored topics

_cache: dict[str, object] = {"key": None, "matcher": None}


def topic_specs() -> list[TopicSpec]:
    """Every stored topic as the matcher sees it, with the aliases editors switched off."""
    from .models import Topic, TopicAlias

    disabled: dict[int, set[str]] = {}
    for topic_id, alias in TopicAlias.objects.filter(is_disabled=True).values_list("topic_id", "alias"):
        disabled.setdefault(topic_id, set()).add(text_fold(alias))
    return [
        TopicSpec(
            id=topic.pk,
            name=topic.name,
            kind=topic.kind,
            aliases=topic.alias_list,
            description=topic.description,
            context=topic.context_list,
            disabled=frozenset(disabled.get(topic.pk, ())),
        )
        for topic in Topic.objects.only("id", "name", "kind", "aliases", "description", "context")
    ]


def topic_matcher_get() -> TopicMatcher:
    """The matcher for the current topics, rebuilt only when topics (or their aliases' states) change.

    The cache key is read from the database in one query (count, latest edit of
    a topic and of an alias state), so every worker process notices an edited
    alias, or one switched off, at its next batch.
    """
    from django.db.models import Count, Max

    from .models import Topic

    key = tuple(
        Topic.objects.aggregate(
            n=Count("id", distinct=True), latest=Max("updated_at"), aliases=Max("alias_states__updated_at")
        ).values()
    )
    if _cache["key"] != key or _cache["matcher"] is None:
        _cache["matcher"] = TopicMatcher(topic_specs())
        _cache["key"] = key
    return _cache["matcher"]  # type: ignore[return-value]
