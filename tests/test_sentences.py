"""Sentence splitting: spans, and the same answer from concurrent threads (Prefect runs
batch tasks in threads)."""

from concurrent.futures import ThreadPoolExecutor

from drugdata import sentences
from drugdata.sentences import split_spans


def _texts(n: int) -> list[str]:
    return [f"Take {i} mg twice a day. Dr. Smith said it helps in case {i}. Stop if a rash appears! "
            f"Call your doctor (e.g. for fever {i}). Ask about item no. {i} today." for i in range(n)]


def test_spans_cover_sentences():
    text = "Take 5 mg a day. Stop if a rash appears."
    assert [text[a:b] for a, b in split_spans(text)] == ["Take 5 mg a day.", "Stop if a rash appears."]


def test_threads_get_the_same_sentences_as_one_thread():
    texts = _texts(300)
    split_spans.cache_clear()
    serial = [split_spans(t) for t in texts]
    split_spans.cache_clear()
    with ThreadPoolExecutor(max_workers=8) as pool:
        threaded = list(pool.map(split_spans, texts))
    assert threaded == serial
    assert sentences._segmenter() is sentences._segmenter()  # one per thread, reused
