"""A batch's features read at once (events/text.py ``features_batch``) are those of each text read alone."""

import math

from events import clustering, text
from tests.feed_server import news_items

TEXTS = [
    (
        "Protesters clash in Lima. President Castillo says 1,200 hurt",
        "El presidente dijo: 7,1 grados. ¿Qué pasó? Los manifestantes (ayer) «Perú» — 2024 fue el año",
        (3, 5),
    ),
    ("", "", ()),
    ("Hi", "", (1,)),
    ("A B", "c", ()),
    ("One Two Three Four", "", ()),
    ("وقال الرئيس في القاهرة ٢٠٢٤", "الرئيس المصري عبد الفتاح السيسي قال إن ١٫٥ مليون", (7,)),
    ("Élection présidentielle: Macron réélu", "Le président français a été réélu dimanche. Selon l'AFP, 58,5% des voix.", (2, 2)),
    ("x " * 100, "y z " * 80, ()),
    ("...", "!!! ??", ()),
    ("Title Case Headline Here Now", "Body Text With Names Like Smith And Jones.", ()),
    *((item["title"], item["summary"], (9,) if i % 3 == 0 else ()) for i, item in enumerate(news_items("t", 300, 1))),
]


def test_features_of_a_batch_are_those_of_each_text():
    batch = text.features_batch(TEXTS)
    for i, (title, summary, topics) in enumerate(TEXTS):
        counts, boost, bands = text.features(title, summary, topics)
        assert batch.counts(i) == (counts, boost)
        assert list(batch.counts(i)[0]) == list(counts)  # the same order: the strongest ties in it
        assert batch.bands[i] == bands


def test_a_batchs_vectors_and_strongest_terms_are_those_of_tfidf():
    batch = text.features_batch(TEXTS)
    index = clustering.WindowIndex()
    index.events = dict.fromkeys(range(500))
    for n, term in enumerate(batch.term.tolist()[::7]):
        index.ef[term] = n % 40
    articles = [
        clustering.Article(id=i, outlet_id=1, title="", at=None, features=batch, row=i, bands=batch.bands[i])
        for i in range(len(TEXTS))
    ]
    clustering._vectors(index, articles)
    top = math.log(len(index.events) + 1) + 1.0
    for i, article in enumerate(articles):
        counts, boost = batch.counts(i)
        vector = text.tfidf(counts, {t: top - math.log(index.ef.get(t, 0) + 1) for t in counts}, boost)
        assert list(article.vector) == list(vector)
        assert all(math.isclose(article.vector[t], w, rel_tol=1e-12) for t, w in vector.items())
        assert article.keys == clustering.strongest(vector, clustering.QUERY_TERMS)
