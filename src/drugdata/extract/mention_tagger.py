"""A learnt tagger for adverse-reaction mentions in label text: a linear-chain CRF (CRFsuite).

The rules in `adverse_effects` find effects where a page's structure says "this is an effect".
A regulator's label names reactions everywhere: in running text, in tables flattened into lines,
in subsection titles. There a sequence tagger trained on annotated labels does better than rules.
The model is trained from annotated label sections (`train_tagger`), for example the TAC 2017 ADR
gold read from `../shared` at build time. No model ships in the repository.

Segmentation, tokens, the word-window features and training are shared with other mention
taggers (`precipitant_tagger`): each passes its own `Features` function.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from itertools import pairwise
from pathlib import Path

import pycrfsuite

from drugdata.normalize import Lexicon, effect_lexicon

__all__ = [
    "DEFAULT_MODEL",
    "FEATURES_VERSION",
    "Features",
    "Items",
    "MentionTagger",
    "ModelChoice",
    "Token",
    "TrainingText",
    "WordStats",
    "default_model_path",
    "default_tagger",
    "effect_features",
    "installed_model",
    "lexicon_tags",
    "segments",
    "stats_path",
    "train_tagger",
    "window_features",
    "word_stats",
]

# Where `drugdata train-tagger` writes the model the pipeline uses by default (git-ignored).
DEFAULT_MODEL = "trained/ae_tagger.crfsuite"
_TOKEN = re.compile(r"\w+(?:[-']\w+)*|[^\w\s]")
# A segment ends at a line end, a table cell's end (a run of 3+ spaces in a table flattened
# into one line, or the clean text's " | ") or a sentence end.
_SEGMENT = re.compile(r"[^\n|]+?(?=\s{3,}|\||\n|$)")
_SENTENCE_END = re.compile(r"(?<=[a-z0-9)\]][.;])\s+(?=[A-Z])")
_PARAMS = {"c1": 0.05, "c2": 0.05, "max_iterations": 150, "feature.possible_transitions": True}
MEMO_SEGMENTS = 50_000  # segments whose tags a tagger remembers (~10 MB)
# Bumped whenever a tagger's features change: a model trained on other features is refused, not misread.
FEATURES_VERSION = 2

Token = tuple[int, int, str]
# per token its CRFsuite attributes: "name:value" strings, each of weight 1 (a 0/1 feature is there when 1)
Items = list[list[str]]
# (segment, its tokens, the document's own drug names or None) -> one attribute list per token
Features = Callable[[str, list[Token], "re.Pattern[str] | None"], Items]
# Tokens that end a chunk of a segment: the items of "night sweats, prurigo, dry skin" are chunks.
_CHUNK_END = frozenset(",;:()[]")


def segments(text: str) -> Iterator[tuple[int, str]]:
    """(offset, text) of the pieces the tagger reads one at a time."""
    for line in _SEGMENT.finditer(text):
        start = 0
        for end in _SENTENCE_END.finditer(line.group()):
            yield line.start() + start, line.group()[start:end.start()]
            start = end.end()
        yield line.start() + start, line.group()[start:]


def _tokenized(text: str) -> Iterator[tuple[int, str, list[Token]]]:
    """(offset, segment, tokens) of each segment that has a token: what training and tagging read."""
    for offset, segment in segments(text):
        tokens = [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(segment)]
        if tokens:
            yield offset, segment, tokens


@lru_cache(maxsize=65536)
def _shape(word: str) -> str:
    shape = re.sub(r"\d", "d", re.sub(r"[a-z]", "x", re.sub(r"[A-Z]", "X", word)))
    return re.sub(r"(.)\1+", r"\1\1", shape)


def lexicon_tags(segment: str, tokens: list[Token], lexicon: Lexicon) -> list[str]:
    """B/I/O per token for the lexicon's terms in the segment."""
    tags = ["O"] * len(tokens)
    matches = lexicon.scan(segment)
    if not matches:
        return tags
    starts = [t[0] for t in tokens]
    for match in matches:
        i = bisect_left(starts, match.start)
        tag = "B"
        while i < len(tokens) and tokens[i][1] <= match.end:
            tags[i], tag, i = tag, "I", i + 1
    return tags


def _chunks(words: list[str]) -> list[tuple[int, int]]:
    """(first, end) token indexes of the runs of words between commas, colons and brackets."""
    found: list[tuple[int, int]] = []
    first = 0
    for i, w in enumerate([*words, ","]):
        if w in _CHUNK_END:
            if first < i:
                found.append((first, i))
            first = i + 1
    return found


@dataclass(frozen=True)
class WordStats:
    """How often each word stands as an item of a list of known effects in unannotated label text.

    A word the annotated labels never show ("prurigo") still reads as an effect when other labels
    list it among known ones ("pruritus, prurigo, rash"): the words' company, learnt without gold.
    """

    seen: dict[str, int]
    listed: dict[str, int]
    features: int | None = FEATURES_VERSION  # the feature version they were saved with (None: none saved)

    def level(self, word: str) -> str:
        """The share of a word's occurrences that are list items, in six levels ("rare" if seen < 3)."""
        seen = self.seen.get(word, 0)
        if seen < 3:
            return "rare"
        share = self.listed.get(word, 0) / seen
        for level, top in enumerate((0.0, 0.02, 0.08, 0.25, 0.5)):
            if share <= top:
                return str(level)
        return "5"

    def save(self, path: Path) -> None:
        data = {"features": FEATURES_VERSION, "seen": self.seen, "listed": self.listed}
        path.write_text(json.dumps(data, sort_keys=True), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> WordStats:
        data = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
        return cls(data.get("seen", {}), data.get("listed", {}), data.get("features"))


def word_stats(texts: Iterable[str]) -> WordStats:
    """Count, over unannotated texts, each word and how often it is in a short list item with at
    least two known effects (HPO and curated synonyms) among the two items either side."""
    seen: Counter[str] = Counter()
    listed: Counter[str] = Counter()
    lexicon = effect_lexicon()
    for text in texts:
        for _, _, tokens in _tokenized(text):
            words = [t[2].lower() for t in tokens]
            seen.update(words)
            chunks = _chunks(words)
            if len(chunks) < 3:
                continue
            known = [b - a <= 4 and lexicon.lookup(" ".join(words[a:b])) is not None for a, b in chunks]
            for i, (a, b) in enumerate(chunks):
                if b - a <= 3 and sum(known[max(0, i - 2):i]) + sum(known[i + 1:i + 3]) >= 2:
                    listed.update(set(words[a:b]))
    return WordStats({w: n for w, n in seen.items() if n >= 3}, {w: n for w, n in listed.items() if seen[w] >= 3})


_OFFSETS = (-3, -2, -1, 1, 2, 3)
_NEAR = (-2, -1, 1, 2)  # the neighbours whose tags and suffixes are features
_POSITIONS = ("pos:0", "pos:1", "pos:2", "pos:3")
_START, _END = "<s>", "</s>"  # the words before and after a segment


@lru_cache(maxsize=200_000)
def _word_attributes(raw: str) -> tuple[str, ...]:
    """A token's own attributes, which depend on nothing but the token: built once per word."""
    w = raw.lower()
    attributes = [f"w:{w}", f"pre3:{w[:3]}", f"suf3:{w[-3:]}", f"suf4:{w[-4:]}", f"shape:{_shape(raw)}",
                  f"lemma:{w[:-1] if w.endswith('s') and len(w) > 3 else w}"]
    attributes += [name for name, on in (("title", raw.istitle()), ("upper", raw.isupper()), ("digit", raw.isdigit()))
                   if on]
    return tuple(attributes)


@lru_cache(maxsize=400_000)
def _neighbour_attributes(offset: int, word: str) -> tuple[str, ...]:
    """What a token reads of the (lowercased) word `offset` tokens away: the word, and its
    suffix for the nearest two either side (padding has none)."""
    if offset in _NEAR and word not in (_START, _END):
        return f"{offset}:w:{word}", f"{offset}:suf3:{word[-3:]}"
    return (f"{offset}:w:{word}",)


class _TagAttributes(dict[str, str]):
    """tag -> the attribute of one named tag at one offset ("-1:known:B"), built on first use."""

    def __init__(self, prefix: str) -> None:
        super().__init__()
        self.prefix = prefix

    def __missing__(self, tag: str) -> str:
        attribute = self[tag] = self.prefix + tag
        return attribute


@cache
def _tag_attributes(offset: int, name: str) -> _TagAttributes:
    return _TagAttributes(f"{offset}:{name}:" if offset else f"{name}:")


def window_features(tokens: list[Token], tags: dict[str, list[str]]) -> Items:
    """Word, affixes, shape and a +-3 word window per token, plus each named tag sequence (a
    lexicon's B/I/O, say) for the token and its +-2 neighbours. CRFsuite attribute strings
    ("w:rash", "-1:known:B"; a 0/1 feature is there when 1), built a template at a time over the
    whole segment and once per word where they depend on one word: this runs on every segment
    of every label."""
    n = len(tokens)
    words = [t[2].lower() for t in tokens]
    padded = [_START] * 3 + words + [_END] * 3  # padded[i + 3 + d] is the word at i + d
    pairs = [f"{a}|{b}" for a, b in pairwise(padded)]  # pairs[i + 2 + d]: words i+d, i+d+1
    columns = [
        [_POSITIONS[min(i, 3)] for i in range(n)],
        ["-2|-1:" + p for p in pairs[1:1 + n]], ["-1|0:" + p for p in pairs[2:2 + n]],
        ["0|+1:" + p for p in pairs[3:3 + n]], ["+1|+2:" + p for p in pairs[4:4 + n]],
    ]
    wide: list[list[tuple[str, ...]]] = [[_word_attributes(t[2]) for t in tokens]]
    wide += [[_neighbour_attributes(d, w) for w in padded[3 + d:3 + d + n]] for d in _OFFSETS]
    for name, seq in tags.items():
        own = _tag_attributes(0, name)
        columns.append([own[t] for t in seq])
        for d in _NEAR:  # no attribute where the neighbour is past either end
            table = _tag_attributes(d, name)
            none: list[tuple[str, ...]] = [()] * abs(d)
            near = [(table[t],) for t in seq[d:]] + none if d > 0 else none + [(table[t],) for t in seq[:d]]
            wide.append(near[:n])
    out: Items = [["bias", *row] for row in zip(*columns, strict=True)]
    for column in wide:
        for f, attributes in zip(out, column, strict=True):
            f += attributes
    if n:
        out[0].append("first")
        out[-1].append("last")
    return out


def effect_features(stats: WordStats) -> Features:
    """The adverse-reaction tagger's features: the word window, known effect terms, how often
    other labels list each word among known effects (`stats`) and where a token stands in a list."""

    def features(segment: str, tokens: list[Token], names: re.Pattern[str] | None = None) -> Items:
        words = [t[2].lower() for t in tokens]
        known = lexicon_tags(segment, tokens, effect_lexicon())
        listed = [stats.level(w) for w in words]
        out = window_features(tokens, {"known": known, "listed": listed})
        _add_chunk_features(out, words, known)
        return out

    return features


@lru_cache(maxsize=8192)
def _item_attributes(length: str, siblings: str, items: str, place: str, known: bool, whole: bool) -> tuple[str, ...]:
    attributes = (f"item_len:{length}", f"item_siblings:{siblings}", f"items:{items}", f"item_place:{place}",
                  f"item_len|siblings:{length}|{siblings}")
    return attributes + ("item_known",) * known + ("item_whole_known",) * whole


def _add_chunk_features(out: Items, words: list[str], known: list[str]) -> None:
    """Where a token stands in a list: its item's length and place, whether the item and its
    siblings are known effects, and the word before the segment's colon ("Skin Disorders:")."""
    chunks = _chunks(words)
    hit = [any(known[k] != "O" for k in range(a, b)) for a, b in chunks]
    colon = words.index(":") if ":" in words else None
    title = f"colon_title:{words[colon - 1] if colon else '<none>'}"
    items = str(min(len(chunks), 4))
    for c, (a, b) in enumerate(chunks):
        length, siblings = str(min(b - a, 6)), str(min(sum(hit) - hit[c], 3))
        whole = all(known[j] != "O" for j in range(a, b))
        for k in range(a, b):
            place = "F" if k == a else "L" if k == b - 1 else "M"
            out[k] += _item_attributes(length, siblings, items, place, hit[c], whole)
            if colon is not None and k > colon:
                out[k].append(title)


def _bio(tokens: list[Token], spans: list[tuple[int, int]]) -> list[str]:
    tags: list[str] = []
    for start, end, _ in tokens:
        inside = next(((a, b) for a, b in spans if a <= start and end <= b), None)
        tags.append("O" if inside is None else "B" if start == inside[0] or not tags or tags[-1] == "O" else "I")
    return tags


def _spans(tokens: list[Token], tags: list[str]) -> list[tuple[int, int]]:
    found: list[tuple[int, int]] = []
    current: tuple[int, int] | None = None
    for (start, end, _), tag in zip(tokens, tags, strict=True):
        if tag == "B" or (tag == "I" and current is None):
            if current:
                found.append(current)
            current = (start, end)
        elif tag == "I" and current:
            current = (current[0], end)
        elif current:
            found.append(current)
            current = None
    return found + [current] if current else found


@dataclass(frozen=True)
class TrainingText:
    """A section's text, the character spans of every mention in it, and the names of the
    document's own drug where the features use them."""

    text: str
    mentions: list[tuple[int, int]]
    names: re.Pattern[str] | None = None


def stats_path(model_path: Path) -> Path:
    """The word statistics and feature version a model was trained with, stored beside it."""
    return model_path.with_suffix(".words.json")


def train_tagger(texts: Iterable[TrainingText], model_path: Path, max_iterations: int | None = None,
                 features: Features | None = None, stats: WordStats | None = None) -> Path:
    """Train a CRF on annotated texts and write it to `model_path` (CRFsuite's own file format),
    with its feature version and word statistics beside it. Without `features` it is the
    adverse-reaction tagger, its statistics counted on the texts themselves unless given."""
    texts = list(texts)
    if features is None:
        stats = stats or word_stats(item.text for item in texts)
        features = effect_features(stats)
    trainer = pycrfsuite.Trainer(verbose=False)
    for item in texts:
        for offset, segment, tokens in _tokenized(item.text):
            local = [(a - offset, b - offset) for a, b in item.mentions if a >= offset and b <= offset + len(segment)]
            trainer.append(features(segment, tokens, item.names), _bio(tokens, local))
    trainer.set_params({**_PARAMS, **({"max_iterations": max_iterations} if max_iterations else {})})
    model_path.parent.mkdir(parents=True, exist_ok=True)
    trainer.train(str(model_path))
    (stats or WordStats({}, {})).save(stats_path(model_path))
    return model_path


class MentionTagger:
    """Character spans of mentions in a text, from a trained model file and the features it was
    trained with."""

    def __init__(self, model_path: Path, features: Features | None = None, recall_bias: float | None = None) -> None:
        """`features`: those the model was trained with (default: the adverse-reaction tagger's,
        with the word statistics saved beside the model). `recall_bias`: also take a token the
        best sequence leaves out when the model gives it at least this probability of being
        inside a mention (trades precision for recall)."""
        self.stats = WordStats.load(stats_path(model_path))
        if self.stats.features != FEATURES_VERSION:
            raise ValueError(f"{model_path} was trained on other features than this version reads: "
                             "train it again (drugdata train-tagger)")
        self.model_path = model_path
        self.features = features or effect_features(self.stats)
        self.recall_bias = recall_bias
        self._tagger = pycrfsuite.Tagger()
        self._tagger.open(str(model_path))
        # a crfsuite Tagger keeps the last sequence (`_biased` reads its marginals): one caller at a time
        self._lock = threading.Lock()
        # segment (and own-drug pattern) -> spans: labels repeat their class's and their
        # generics' sentences word for word (38% of the characters of the 2,208 TAC labels are
        # in a segment seen before), and a segment's tags depend on nothing else
        self._memo: dict[tuple[str, str | None], list[tuple[int, int]]] = {}

    def tag(self, text: str, names: re.Pattern[str] | None = None) -> list[tuple[int, int]]:
        """`names` finds the document's own drug, for taggers whose features use it."""
        found: list[tuple[int, int]] = []
        own = names.pattern if names else None
        for offset, segment, tokens in _tokenized(text):
            key = (segment, own)
            spans = self._memo.get(key)
            if spans is None:
                # attribute strings, not {name: value} dicts: python-crfsuite builds each
                # "name:value" itself, which cost three times CRFsuite's own tagging
                items = self.features(segment, tokens, names)
                with self._lock:  # the memo's eviction iterates it: under the lock too
                    tags = self._tagger.tag(items)
                    if self.recall_bias is not None:
                        tags = self._biased(tags, self.recall_bias)
                    spans = _spans(tokens, tags)
                    if len(self._memo) >= MEMO_SEGMENTS:
                        self._memo.pop(next(iter(self._memo)), None)  # the oldest first
                    self._memo[key] = spans
            found += [(offset + a, offset + b) for a, b in spans]
        return found

    def _biased(self, tags: list[str], threshold: float) -> list[str]:
        """The tagged sequence with every O the model doubts (P(O) <= 1 - threshold) turned into
        a mention token: I after a mention, else B. Reads the marginals of the last `tag` call."""
        out: list[str] = []
        for i, tag in enumerate(tags):
            if tag == "O" and 1.0 - self._tagger.marginal("O", i) >= threshold:
                tag = "I" if out and out[-1] != "O" else "B"
            out.append(tag)
        return out


def default_model_path(name: str = DEFAULT_MODEL) -> Path:
    """Where `drugdata train-tagger` writes a model and builds look for it: inside the package."""
    return Path(str(resources.files("drugdata"))) / name


def installed_model(path: Path, load: Callable[[Path], MentionTagger], reads: str) -> MentionTagger | None:
    """The model `drugdata train-tagger` wrote at `path`, or None: none there (rules only), or one
    trained on other features than this version reads (rules only, with a warning)."""
    if not path.is_file():
        return None
    try:
        return load(path)
    except ValueError as stale:
        logging.getLogger(__name__).warning("%s; %s are read by rules only", stale, reads)
        return None


@cache
def default_tagger() -> MentionTagger | None:
    """The installed adverse-reaction model, or None (rules only)."""
    return installed_model(default_model_path(), MentionTagger, "label sections")


class ModelChoice:
    """Which model an extractor reads labels with: the installed one, or inside `use(tagger)` an
    evaluation fold's (or None: rules only) for the documents extracted in the block."""

    def __init__(self, name: str, installed: Callable[[], MentionTagger | None]) -> None:
        # (tagger,) overrides the installed model; (None,) means rules only
        self._override: ContextVar[tuple[MentionTagger | None] | None] = ContextVar(name, default=None)
        self._installed = installed

    @contextmanager
    def use(self, tagger: MentionTagger | None) -> Iterator[None]:
        token = self._override.set((tagger,))
        try:
            yield
        finally:
            self._override.reset(token)

    def current(self) -> MentionTagger | None:
        override = self._override.get()
        return override[0] if override is not None else self._installed()
