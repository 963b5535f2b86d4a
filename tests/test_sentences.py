"""Sentence splitting: spans, and the same answer from concurrent threads (Prefect runs
batch tasks in threads)."""

from concurrent.futures import ThreadPoolExecutor

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


def test_abbreviations_and_section_references_do_not_end_sentences():
    text = "Dizziness (approx. 10%) was seen. See Warnings (5.1). Take 5 mg t.i.d. for 3 days, e.g. at meals."
    assert [text[a:b] for a, b in split_spans(text)] == [
        "Dizziness (approx. 10%) was seen.", "See Warnings (5.1).", "Take 5 mg t.i.d. for 3 days, e.g. at meals."]


def test_offsets_count_characters_not_bytes():
    text = "Café au lait spots — rare (<0.1%). Nausea was common."
    assert [text[a:b] for a, b in split_spans(text)][-1] == "Nausea was common."
