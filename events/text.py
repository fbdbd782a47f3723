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
from dataclasses import dataclass
from zlib import crc32

import numpy as np

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
    found = _info[token] = _token_read(token)
    return found


def _token_read(token: str) -> tuple[int, int, bool, bool]:
    """``_token_info`` without its memo (a batch keeps its own: ``_slots_of``)."""
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
    return found


# The same tokens of an ASCII text (letters, digits and the ASCII marks), without the Unicode classes: 40% faster.
_RAW_TOKEN_ASCII = re.compile(r"[A-Za-z]+|[0-9]+(?:[.,][0-9]+)*|[.!?:;|(\"]")


def _tokens(text: str) -> list[str]:
    if text.isascii():
        return _RAW_TOKEN_ASCII.findall(text)
    return _RAW_TOKEN.findall(unicodedata.normalize("NFC", text.translate(_MARKS)))


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


# --- a batch at once (numpy) ---------------------------------------------------
#
# ``features_batch`` gives what ``features`` gives for each text of a batch, the same numbers, with the
# per-token work done on arrays: each distinct token is given a slot once (its ``_token_info``), a batch's
# tokens become an array of slots, and counting, boosting and the MinHash bins are array operations over
# the whole batch. What is left per article is two regex scans and eight CRC-32s of its bands.

_slots: dict[str, int] = {}
_slot_table: tuple = ()  # term (int64), hash (uint64), number (bool), capital (bool): one row per slot
_SLOT_TYPES = (np.int64, np.uint64, np.bool_, np.bool_)
_GOLDEN = np.uint64(0x9E3779B1)
_MASK32 = np.uint64(0xFFFFFFFF)


def _slots_of(tokens: list[str]) -> np.ndarray:
    """Each token's slot, new tokens given one (their rows added to the table)."""
    global _slot_table
    slots = _slots
    missing = set(tokens).difference(slots)
    if missing:
        if len(slots) + len(missing) > 500_000 or not _slot_table:  # a long-lived worker: keep the memo bounded
            slots.clear()
            _slot_table = tuple(np.empty(0, kind) for kind in _SLOT_TYPES)
            missing = set(tokens)
        first = len(slots)
        infos = []
        for slot, token in enumerate(missing, first):
            slots[token] = slot
            infos.append(_token_read(token))
        columns = zip(*infos, strict=True)
        _slot_table = tuple(
            np.concatenate([old, np.array(new, kind)]) for old, new, kind in zip(_slot_table, columns, _SLOT_TYPES, strict=True)
        )
    return np.fromiter(map(slots.__getitem__, tokens), np.intp, len(tokens))


@dataclass(slots=True)
class Features:
    """The features of a batch of texts: one row per (text, term), a text's rows together, in the order its
    terms first occur (title, summary, topics), and each text's bands.

    ``start[i]:start[i + 1]`` are text ``i``'s rows."""

    text: np.ndarray  # int64: the text of each row
    term: np.ndarray  # int64
    count: np.ndarray  # int64: title occurrences ``TITLE_WEIGHT`` each, summary's once, a topic ``TITLE_WEIGHT``
    boost: np.ndarray  # bool: a name, a number or a topic (``CROSS_BOOST``)
    start: np.ndarray  # int64, one more than texts
    bands: list[list[int]]

    def counts(self, i: int) -> tuple[dict[int, int], dict[int, float]]:
        """Text ``i``'s term counts and boosts, as ``features`` gives them."""
        s, e = int(self.start[i]), int(self.start[i + 1])
        terms = self.term[s:e].tolist()
        boost = {term: CROSS_BOOST for term, b in zip(terms, self.boost[s:e].tolist(), strict=True) if b}
        return dict(zip(terms, self.count[s:e].tolist(), strict=True)), boost


def features_batch(texts) -> Features:
    """``features`` of many (title, summary, topic ids) at once: the same terms, counts, boosts and bands."""
    n = len(texts)
    tokens: list[str] = []
    lengths: list[int] = []
    topic_rows: list[tuple[int, int]] = []
    for i, (title, summary, topic_ids) in enumerate(texts):
        head, body = _tokens(title), _tokens(summary)
        tokens += head
        tokens += body
        lengths.append(len(head))
        lengths.append(len(body))
        for topic_id in topic_ids:
            topic_rows.append((i, topic_term(topic_id)))
    sizes = np.array(lengths, np.intp)
    segment = np.repeat(np.arange(2 * n, dtype=np.intp), sizes)  # 2i: text i's title, 2i + 1: its summary
    slot = _slots_of(tokens)
    terms_of, hashes_of, numbers_of, capitals_of = _slot_table
    term, hashed, capital = terms_of[slot], hashes_of[slot], capitals_of[slot]
    mark = hashed == 0  # a sentence mark
    # A headline in Title Case tells no names: more than 60% of its (over two) tokens capitalised.
    head_sizes = sizes[0::2]
    capitals = np.bincount(segment, weights=capital, minlength=2 * n)[0::2]
    names = np.ones(2 * n, np.bool_)
    names[0::2] = ~((head_sizes > 2) & (capitals > 0.6 * head_sizes))
    # A sentence starts at a segment's first token and after a mark.
    start = np.empty(len(tokens), np.bool_)
    if len(tokens):
        start[0] = True
        start[1:] = mark[:-1]
        offsets = np.cumsum(sizes) - sizes
        start[offsets[sizes > 0]] = True
    boosted = numbers_of[slot] | (capital & names[segment] & ~start)
    text = segment >> 1
    rows = np.flatnonzero(term != 0)  # marks have no term
    row_text, row_term = text[rows], term[rows]
    row_count = np.where(segment[rows] & 1, 1, TITLE_WEIGHT)
    row_boost = boosted[rows]
    if topic_rows:
        topics = np.array(topic_rows, np.int64)
        row_text = np.concatenate([row_text, topics[:, 0]])
        row_term = np.concatenate([row_term, topics[:, 1]])
        row_count = np.concatenate([row_count, np.full(len(topics), TITLE_WEIGHT)])
        row_boost = np.concatenate([row_boost, np.ones(len(topics), np.bool_)])
        order = np.argsort(row_text, kind="stable")  # a text's topics after its words
        row_text, row_term, row_count, row_boost = row_text[order], row_term[order], row_count[order], row_boost[order]
    keys = (row_text.astype(np.int64) << 32) | row_term
    unique, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    counts = np.bincount(inverse, weights=row_count, minlength=len(unique)).astype(np.int64)
    boosts = np.bincount(inverse, weights=row_boost, minlength=len(unique)) > 0
    order = np.argsort(first)  # a text's terms in the order they first occur
    unique = unique[order]
    group_text = unique >> 32
    starts = np.searchsorted(group_text, np.arange(n + 1))
    return Features(
        text=group_text,
        term=unique & 0xFFFFFFFF,
        count=counts[order],
        boost=boosts[order],
        start=starts,
        bands=_bands_batch(n, text, hashed, ~mark),
    )


def _bands_batch(n: int, text: np.ndarray, hashed: np.ndarray, word: np.ndarray) -> list[list[int]]:
    """``_bands`` of each text, from all the batch's tokens (text of each, hash of each, which are words)."""
    words = np.flatnonzero(word)
    word_text, word_hash = text[words], hashed[words]
    per_text = np.bincount(word_text, minlength=n)
    first = np.cumsum(per_text) - per_text
    keep = np.arange(len(words)) - first[word_text] < SHINGLE_WORDS
    word_text, word_hash = word_text[keep], word_hash[keep]
    same = word_text[:-1] == word_text[1:]
    a, b, pair_text = word_hash[:-1][same], word_hash[1:][same], word_text[:-1][same]
    # The pair's hash as shingle_bins makes it: only bits 16-47 of the product are kept, so a 64-bit product does.
    values = (((a ^ (b << np.uint64(1))) * _GOLDEN) >> np.uint64(16)) & _MASK32
    bins = np.full(n * BINS, _EMPTY, np.uint64)
    np.minimum.at(bins, pair_text * BINS + (values & np.uint64(BINS - 1)).astype(np.intp), values)
    bins = bins.reshape(n, BINS)
    # Densify: an empty bin takes the nearest filled bin to its right (circularly), offset by the distance.
    filled = bins != _EMPTY
    columns = np.arange(2 * BINS)
    nearest = np.where(np.concatenate([filled, filled], axis=1), columns, 4 * BINS)
    nearest = np.minimum.accumulate(nearest[:, ::-1], axis=1)[:, ::-1][:, :BINS]
    found = nearest < 4 * BINS
    nearest = np.where(found, nearest, 0)
    carry = np.take_along_axis(bins, nearest % BINS, axis=1)
    distance = (nearest - columns[:BINS]).astype(np.uint64)
    dense = np.where(filled, bins, (carry + _GOLDEN * distance) & _MASK32).astype("<u4")
    # Each band's key: zlib's CRC-32 of its ROWS little-endian bins, started from the band's number, as in _bands.
    data = dense.view(np.uint8).reshape(n * BANDS, 4 * ROWS)
    crc = np.tile(np.arange(BANDS, dtype=np.uint32), n) ^ np.uint32(0xFFFFFFFF)
    for column in range(4 * ROWS):
        crc = _CRC_TABLE[(crc ^ data[:, column]) & 0xFF] ^ (crc >> np.uint32(8))
    keys = ((crc ^ np.uint32(0xFFFFFFFF)) & np.uint32(0x7FFFFFFF)).tolist()
    return [keys[i * BANDS : (i + 1) * BANDS] if size >= 3 else [] for i, size in enumerate(per_text.tolist())]


def _crc_table() -> np.ndarray:
    """The table of the reflected CRC-32 (polynomial 0xEDB88320) that zlib computes, a byte at a time."""
    table = np.arange(256, dtype=np.uint32)
    for _ in range(8):
        table = np.where(table & 1, (table >> np.uint32(1)) ^ np.uint32(0xEDB88320), table >> np.uint32(1))
    return table.astype(np.uint32)


_CRC_TABLE = _crc_table()
