"""What clustering reads in an article: weighted terms for similarity, shingle bands for near-duplicates.

Pure functions, no database: the same text gives the same features in every
process (terms are CRC-32 ids, never Python's per-process ``hash``).

**Terms.** Title and summary are folded (case, accents, Arabic letter
variants and diacritics, Arabic-Indic digits to 0-9), split into words,
stripped of function words in English, Spanish, French and Arabic, and cut to
their first six letters (a crude stemmer that works across these languages:
*protesters/protests/protestas* → ``protes``, *president/presidente/
présidente* → ``presid``, *minister/ministre/ministro* → ``minist``). Numbers
are kept whole and written one way (``1,200`` and ``1.200`` → ``1200``,
``7,1`` and ``7.1`` → ``7.1``), so casualty counts, magnitudes and scores are
shared across languages. Title words count twice: a headline says what the
event is. Names (a capital that does not start a sentence), numbers other than
years and matched topics weigh ``CROSS_BOOST`` times more: they are what
reports in different languages share.

**Bands.** Near-duplicates (the same wire copy in several feeds, a headline
retouched) are found with MinHash over word pairs, in its one-permutation
form with densification (Li, Owen & Zhang 2012; Shrivastava & Li 2014): one
hash per shingle (mixed from its two words' CRC-32s, memoised per word),
binned into ``BINS`` bins, each bin keeping its minimum; an empty bin borrows
the next non-empty one. Two texts agree on a bin with probability equal to
their Jaccard similarity, as with ``BINS`` separate permutations
(bench/compare_minhash.py: the same error as datasketch's 32 permutations,
five times faster). ``BINS`` are cut into
bands of ``ROWS``: two texts share at least one band with probability
1 − (1 − J^ROWS)^BANDS (J = 0.8: 0.98; J = 0.5: 0.40; J = 0.3: 0.06), and a
shared band is only a candidate, confirmed by term similarity.
"""

import math
import re
import struct
import unicodedata
from zlib import crc32

STEM = 6
TITLE_WEIGHT = 2
CROSS_BOOST = 2.0
BINS = 32  # a power of two (a bin is the hash's low bits)
ROWS = 4
BANDS = BINS // ROWS
_BINS_STRUCT = struct.Struct(f"<{BINS}I")
_EMPTY = 0xFFFFFFFF

_STOPWORDS_EN = """
a about above after again against all also am an and any are as at be because been before being below between both but
by can could did do does doing down during each few for from further had has have having he her here hers him his how i
if in into is it its itself just me more most my no nor not now of off on once only or other our out over own same she
should so some such than that the their them then there these they this those through to too under until up very was we
were what when where which while who whom why will with would you your yours says said say saying told tells amid
new news latest live update updates report reports reported after over year years day days week weeks first last one two
three four five six seven eight nine ten per via
"""
_STOPWORDS_ES = """
a al algo algunas algunos ante antes como con contra cual cuando de del desde donde durante e el ella ellas ellos en entre
era eran es esa esas ese eso esos esta estaba estan estas este esto estos fue fueron ha han hasta hay la las le les lo los
mas me mi muy nada ni no nos o otra otras otro otros para pero poco por porque que quien se sea ser si sido sin sobre son
su sus tambien tanto te tiene tienen todo todos tras un una unas uno unos y ya dijo dice afirmo segun este ano anos dia
dias semana nuevo nueva ultima ultimas hoy ayer
"""
_STOPWORDS_FR = """
a au aux avec ce ces cet cette dans de des du elle elles en est et eux il ils je la le les leur leurs lui ma mais me meme
mes moi mon ne ni nos notre nous on ou par pas pour qu que qui sa se ses son sont sur ta te tes toi ton tu un une vos
votre vous y ete etait sont apres avant contre entre sans sous selon chez depuis lors plus moins tres aussi deja encore
ainsi alors dont quand comme tout tous toute toutes d l s n j c qu annee ans jour jours semaine nouveau nouvelle hier
aujourd hui
"""
# Arabic after folding (alef forms → ا, ة → ه, ى → ي, diacritics off).
_STOPWORDS_AR = """
في من علي الي عن مع هذا هذه ذلك تلك التي الذي الذين ان او ثم قد لم لن ما لا كان كانت يكون بين بعد قبل عند حتي كل
هو هي هم نحن انت وقال قال قالت وفي ومن او و ب ل ف يوم اليوم امس عام خلال حول ضد اكثر اي منذ وقد كما لكن الا
"""
STOPWORDS = frozenset((_STOPWORDS_EN + _STOPWORDS_ES + _STOPWORDS_FR + _STOPWORDS_AR).split())

_ARABIC_FOLD = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ة": "ه",
        "ى": "ي",
        "ؤ": "و",
        "ئ": "ي",
        "ـ": None,  # tatweel
        **{chr(0x0660 + i): str(i) for i in range(10)},  # Arabic-Indic digits
        **{chr(0x06F0 + i): str(i) for i in range(10)},  # Eastern Arabic-Indic digits
        "٫": ".",  # Arabic decimal separator
        "٬": ",",  # Arabic thousands separator
    }
)
# A number with its separators (1,200 · 1.200 · 7,1 · 7.1), or a word.
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+")
_THOUSANDS = re.compile(r"[.,](?=\d{3}(?:\D|$))")
_YEAR = re.compile(r"(19|20)\d\d$")  # a year is in too many stories to travel as a name does
_ARABIC_ARTICLE = ("وال", "بال", "فال", "كال", "لل", "ال")


def text_fold(text: str) -> str:
    """Case-fold, strip accents and diacritics, unify Arabic letter forms and digits."""
    text = text.casefold()
    if text.isascii():
        return text
    text = unicodedata.normalize("NFKD", text.translate(_ARABIC_FOLD))
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def _number(token: str) -> str:
    token = _THOUSANDS.sub("", token)
    return token.replace(",", ".")


def words(text: str) -> list[str]:
    """Folded words and numbers of ``text``, in order (function words kept: shingles need them)."""
    out = []
    for token in _TOKEN.findall(text_fold(text)):
        if token[0].isdigit():
            out.append(_number(token))
        else:
            out.append(token)
    return out


def _term(word: str) -> str | None:
    if word in STOPWORDS:
        return None
    if word[0].isdigit():
        return word if len(word) > 1 or word != "0" else None
    if len(word) < 2:
        return None
    if "\u0600" <= word[0] <= "\u06ff":  # Arabic: the article and clitics off, then the stem cut
        for prefix in _ARABIC_ARTICLE:
            if word.startswith(prefix) and len(word) - len(prefix) >= 3:
                word = word[len(prefix) :]
                break
        if word in STOPWORDS:
            return None
    return word[:STEM]


_ids: dict[str, int] = {}


def term_id(term: str) -> int:
    """A stable 31-bit id for a term (CRC-32; fits PostgreSQL's integer)."""
    found = _ids.get(term)
    if found is None:
        if len(_ids) > 500_000:  # a long-lived worker: keep the memo bounded
            _ids.clear()
        found = _ids[term] = crc32(term.encode()) & 0x7FFFFFFF
    return found


def topic_term(topic_id: int) -> int:
    """The term id standing for a matched topic (topics are features like words)."""
    return term_id(f"\x00topic:{topic_id}")


# Tokens of the text as written: numbers, words, and the marks after which a capital starts a sentence, not a name.
_RAW_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+|[.!?:;|—–(\"«“]")
_BOUNDARY = (0, 0, False, False)
# Arabic short vowels and marks, and the tatweel: not letters for the tokenizer.
_MARKS = {cp: None for cp in (*range(0x064B, 0x0660), 0x0670, 0x0640)}
_info: dict[str, tuple[int, int, bool, bool]] = {}


def _token_info(token: str) -> tuple[int, int, bool, bool]:
    """(term id or 0 for a function word, the word's 32-bit hash for shingles, a number that travels, capitalised)."""
    found = _info.get(token)
    if found is not None:
        return found
    if len(_info) > 500_000:  # a long-lived worker: keep the memo bounded
        _info.clear()
    if len(token) == 1 and token in '.!?:;|—–("«“':
        found = _BOUNDARY
    else:
        word = token.lower() if token.isascii() else text_fold(token)
        if word[0].isdigit():
            word = _number(word)
        term = _term(word)
        found = (
            term_id(term) if term else 0,
            crc32(word.encode()) or 1,
            word[0].isdigit() and not _YEAR.match(word),
            token[0].isupper(),
        )
    _info[token] = found
    return found


def _tokens(text: str) -> list[str]:
    if not text.isascii():
        text = unicodedata.normalize("NFC", text.translate(_MARKS))
    return _RAW_TOKEN.findall(text)


def features(title: str, summary: str, topic_ids=()) -> tuple[dict[int, int], dict[int, float], list[int]]:
    """What clustering needs of one article, its text read once.

    - term id → count: title words ``TITLE_WEIGHT`` times, summary words once,
      each matched topic as a term of its own (``TITLE_WEIGHT``);
    - the boost of terms that travel across languages: names (a capital
      that does not start a sentence; a headline in Title Case tells
      nothing), numbers other than years, topics: what a Spanish, French or
      Arabic report shares with an English one (``CROSS_BOOST``);
    - the ``BANDS`` near-duplicate keys of its word pairs (empty under three words).
    """
    counts: dict[int, int] = {}
    boost: dict[int, float] = {}
    hashes: list[int] = []
    info = _info
    title_tokens = _tokens(title)
    capitals = sum(1 for token in title_tokens if token[0].isupper())
    title_case = len(title_tokens) > 2 and capitals > 0.6 * len(title_tokens)
    for weight, tokens, names in ((TITLE_WEIGHT, title_tokens, not title_case), (1, _tokens(summary), True)):
        start = True
        for token in tokens:
            found = info.get(token) or _token_info(token)
            term, shingle, number, capital = found
            if not shingle:  # a sentence mark
                start = True
                continue
            hashes.append(shingle)
            if term:
                counts[term] = counts.get(term, 0) + weight
                if number or (capital and names and not start):
                    boost[term] = CROSS_BOOST
            start = False
    for topic_id in topic_ids:
        term = topic_term(topic_id)
        counts[term] = counts.get(term, 0) + TITLE_WEIGHT
        boost[term] = CROSS_BOOST
    return counts, boost, _bands(hashes)


def term_counts(title: str, summary: str, topic_ids=()) -> tuple[dict[int, int], dict[int, float]]:
    """Term counts and boosts of ``features``."""
    counts, boost, _ = features(title, summary, topic_ids)
    return counts, boost


def idf(df: int, documents: int) -> float:
    """Smoothed inverse document frequency."""
    return math.log((documents + 1) / (df + 1)) + 1.0


_SUBLINEAR = [0.0] + [1.0 + math.log(count) for count in range(1, 256)]


def tfidf(counts: dict[int, int], idfs: dict[int, float], boost: dict[int, float] | None = None) -> dict[int, float]:
    """Unit-length TF-IDF vector (sublinear TF) of a term count, given each term's IDF; boosted terms scaled."""
    sublinear = _SUBLINEAR
    vector = {term: sublinear[min(count, 255)] * idfs[term] for term, count in counts.items()}
    if boost:
        for term, factor in boost.items():
            vector[term] *= factor
    norm = math.sqrt(sum(w * w for w in vector.values())) or 1.0
    return {term: w / norm for term, w in vector.items()}


def shingle_bands(title: str, summary: str) -> list[int]:
    """``BANDS`` band keys of the text's word-pair shingles (empty for a text under three words)."""
    return features(title, summary)[2]


SHINGLE_WORDS = 64  # the headline and the summary's start: where a wire copy and its retouches agree


def shingle_bins(hashes: list[int]) -> list[int]:
    """The ``BINS`` minimum hashes of the word pairs of a text (its words' hashes), densified: its MinHash signature."""
    hashes = hashes[:SHINGLE_WORDS]
    bins = [_EMPTY] * BINS
    # A word pair's hash from its words' hashes (multiply and shift; the same in every process).
    for value in [((a ^ (b << 1)) * 0x9E3779B1 >> 16) & 0xFFFFFFFF for a, b in zip(hashes, hashes[1:], strict=False)]:
        index = value & (BINS - 1)
        if value < bins[index]:
            bins[index] = value
    # Densify: an empty bin takes the next non-empty bin's value (circularly), offset by the distance.
    if _EMPTY in bins:
        dense = bins[:]
        carry, distance = -1, 0
        for step in range(2 * BINS):  # right to left, twice round: the nearest filled bin to the right
            i = BINS - 1 - step % BINS
            if bins[i] != _EMPTY:
                carry, distance = bins[i], 0
            else:
                distance += 1
                if carry >= 0 and dense[i] == _EMPTY:
                    dense[i] = (carry + 0x9E3779B1 * distance) & 0xFFFFFFFF
        bins = dense
    return bins


def _bands(hashes: list[int]) -> list[int]:
    if len(hashes) < 3:
        return []
    packed = _BINS_STRUCT.pack(*shingle_bins(hashes))
    width = 4 * ROWS
    return [crc32(packed[band * width : (band + 1) * width], band) & 0x7FFFFFFF for band in range(BANDS)]


def word_hashes(title: str, summary: str) -> list[int]:
    """The shingle hashes of a text's words, as ``features`` reads them."""
    return [found[1] for found in map(_token_info, _tokens(title) + _tokens(summary)) if found[1]]


def cosine(a: dict[int, float], b: dict[int, float], b_norm: float = 1.0) -> float:
    """Dot product of unit vector ``a`` with ``b`` over ``b``'s norm (the shared terms found by a set intersection)."""
    if not b_norm:
        return 0.0
    shared = a.keys() & b.keys()
    if not shared:
        return 0.0
    return sum([a[term] * b[term] for term in shared]) / b_norm
