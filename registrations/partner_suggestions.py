"""Suggested partners for the matchmaking: whose offers answer my seeks, and whose seeks my
offers answer, with the words that match.

Plain Python over plain data (no ORM), so it is tested and benchmarked without a database.

Why TF-IDF with scikit-learn rather than PostgreSQL's text search ranking (ts_rank):

- it works the same on SQLite and PostgreSQL, and the project supports both;
- it compares a text with a text (cosine similarity of two TF-IDF vectors), which is the
  question here; ts_rank ranks a document against a query, and turning a free-text "seeks" into
  a tsquery means choosing AND/OR semantics by hand;
- the fitted vocabulary tells which weighted terms two texts share, which is what the page
  shows as "the matching words";
- one sparse matrix product scores every pair of a whole catalogue at once (see
  bench/partner_suggestions.py for the timings).

IDF is computed over the event's listed participants only, so a word every profile uses
("innovation", say) weighs little there, while a rare one ("hydrogen") carries the match.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer
from sklearn.preprocessing import normalize

__all__ = ["ParticipantText", "Suggestion", "suggest_for_all", "suggest_partners"]


@dataclass(frozen=True)
class ParticipantText:
    id: int
    offers: str
    seeks: str
    description: str = ""


@dataclass(frozen=True)
class Suggestion:
    """A partner for one participant; the four texts are short excerpts of the profiles
    ("" when that direction shares no term)."""

    partner_id: int
    score: float
    you_seek: str
    they_offer: str
    you_offer: str
    they_seek: str


# Words every cluster profile uses; they would make every pair look alike.
PROFILE_STOP_WORDS = frozenset(
    {
        "cluster",
        "clusters",
        "partner",
        "partners",
        "partnership",
        "partnerships",
        "member",
        "members",
        "company",
        "companies",
        "organisation",
        "organisations",
        "organization",
        "organizations",
        "looking",
        "seek",
        "seeks",
        "seeking",
        "offer",
        "offers",
        "offering",
        "interested",
        "cooperation",
        "collaboration",
        "opportunities",
    }
)
STOP_WORDS = sorted(ENGLISH_STOP_WORDS | PROFILE_STOP_WORDS)

# The description says what an organisation is; it counts towards what it can offer, at this
# weight relative to its "offers" text.
DESCRIPTION_WEIGHT = 0.5
# Combining the two directions: sqrt((a + FLOOR) * (b + FLOOR)) - FLOOR. Like a geometric mean
# it puts a match in both directions above one in a single direction, but the floor keeps a
# single strong direction above zero, so it is still suggested.
FLOOR = 0.05
# Scores are rounded before ranking, so equal profiles tie exactly and ties go by id.
SCORE_DIGITS = 6
EXCERPT_CHARS = 80
EXCERPT_PHRASES = 2

# Letters that Unicode decomposition leaves alone (Ł has no combining accent to strip).
_FOLD_LETTERS = str.maketrans(
    {
        "ł": "l",
        "Ł": "L",
        "ø": "o",
        "Ø": "O",
        "đ": "d",
        "Đ": "D",
        "ß": "ss",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "þ": "th",
        "Þ": "Th",
        "ð": "d",
        "Ð": "D",
        "\u0131": "i",  # dotless i
    }
)
# Sentence ends, commas, semicolons, colons, brackets, line breaks and spaced dashes.
_PHRASE_BREAK = re.compile(r"[.!?](?:\s+|$)|[,;:()\[\]\n\u2022]|\s[-\u2013\u2014]\s")
_WORD = re.compile(r"\S+")


def fold(text: str) -> str:
    """Lower case without accents: "Łódź" and "Lodz", "Järvenpää" and "Jarvenpaa" match."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD_LETTERS))
    return "".join(char for char in decomposed if not unicodedata.combining(char)).lower()


def _vectorizer() -> TfidfVectorizer:
    return TfidfVectorizer(
        preprocessor=fold,
        stop_words=STOP_WORDS,
        ngram_range=(1, 2),
        sublinear_tf=True,
        dtype=np.float64,
    )


def _phrases(text: str) -> list[str]:
    return [phrase.strip() for phrase in _PHRASE_BREAK.split(text) if phrase.strip()]


def _trim(phrase: str, terms: set[str], analyse: Callable[[str], list[str]]) -> str:
    """A window of a long phrase's words, starting shortly before the first word that belongs
    to a matching term."""
    words = _WORD.findall(phrase)
    first = next((i for i, word in enumerate(words) if set(analyse(word)) & terms), 0)
    start = max(0, first - 2)
    kept: list[str] = []
    for word in words[start:]:
        if kept and len(" ".join([*kept, word])) > EXCERPT_CHARS - 2:
            break
        kept.append(word)
    excerpt = " ".join(kept)
    if start > 0:
        excerpt = "\u2026" + excerpt
    if start + len(kept) < len(words):
        excerpt += "\u2026"
    return excerpt


@dataclass
class _Side:
    """One side of a profile (what it offers, or what it seeks): its TF-IDF weights by term
    and its phrases with the terms each contains."""

    weights: dict[int, float]
    phrases: list[tuple[str, frozenset[int]]]


class _Catalogue:
    """The event's listed participants, vectorised once."""

    def __init__(self, participants: Sequence[ParticipantText]) -> None:
        ids = [participant.id for participant in participants]
        if len(set(ids)) != len(ids):
            raise ValueError("participant ids must be unique")
        self.all_ids = ids
        # In id order, so that a stable sort on the score leaves ties by id.
        self.listed = sorted(
            (p for p in participants if (p.offers + p.seeks + p.description).strip()),
            key=lambda p: p.id,
        )
        self.index = {participant.id: i for i, participant in enumerate(self.listed)}
        self.vectorizer = _vectorizer()
        self.analyse: Callable[[str], list[str]] = self.vectorizer.build_analyzer()
        texts = [text for p in self.listed for text in (p.offers, p.seeks, p.description) if text]
        try:
            self.vectorizer.fit(texts)
        except ValueError:  # nothing but stop words (or no text at all): nothing to match
            self.listed, self.index = [], {}
            return
        self.vocabulary: Mapping[str, int] = self.vectorizer.vocabulary_
        self.terms: Any = self.vectorizer.get_feature_names_out()
        offers = self.vectorizer.transform([p.offers for p in self.listed])
        descriptions = self.vectorizer.transform([p.description for p in self.listed])
        self.offer_matrix: Any = normalize(offers + DESCRIPTION_WEIGHT * descriptions)
        self.seek_matrix: Any = self.vectorizer.transform([p.seeks for p in self.listed])
        self._sides: dict[tuple[int, str], _Side] = {}
        self._matches: dict[tuple[int, int], tuple[str, str]] = {}

    def side(self, i: int, which: str) -> _Side:
        """Built lazily: only the sides of suggested pairs need their phrases analysed."""
        key = (i, which)
        if key not in self._sides:
            participant = self.listed[i]
            if which == "offers":
                matrix = self.offer_matrix
                texts = [participant.offers, participant.description]
            else:
                matrix = self.seek_matrix
                texts = [participant.seeks]
            start, end = matrix.indptr[i], matrix.indptr[i + 1]
            terms, values = matrix.indices[start:end].tolist(), matrix.data[start:end].tolist()
            weights = dict(zip(terms, values, strict=True))
            phrases = [
                (phrase, self._term_ids(phrase)) for text in texts for phrase in _phrases(text)
            ]
            self._sides[key] = _Side(weights, phrases)
        return self._sides[key]

    def _term_ids(self, phrase: str) -> frozenset[int]:
        return frozenset(
            self.vocabulary[term] for term in self.analyse(phrase) if term in self.vocabulary
        )

    def scores(self, i: int | None = None) -> np.ndarray[Any, np.dtype[np.float64]]:
        """Combined scores of participant i (or of everyone, one row each) against everyone.

        For the whole catalogue one product is enough: how my offers answer your seeks is how
        your seeks are answered by my offers, the transpose of seeks x offers."""
        if i is None:
            seeks_vs_offers = (self.seek_matrix @ self.offer_matrix.T).toarray()
            offers_vs_seeks = seeks_vs_offers.T
        else:
            seeks_vs_offers = (self.seek_matrix[i] @ self.offer_matrix.T).toarray()
            offers_vs_seeks = (self.offer_matrix[i] @ self.seek_matrix.T).toarray()
        combined = np.sqrt((seeks_vs_offers + FLOOR) * (offers_vs_seeks + FLOOR)) - FLOOR
        combined = combined.round(SCORE_DIGITS)
        combined[combined <= 0] = 0.0
        return np.asarray(combined, dtype=np.float64)

    def ranked(self, i: int, row: np.ndarray[Any, np.dtype[np.float64]], limit: int) -> list[int]:
        row = row.copy()
        row[i] = 0.0
        order = np.argsort(-row, kind="stable")[:limit]
        return [int(j) for j in order if row[j] > 0]

    def suggestion(self, i: int, j: int, score: float) -> Suggestion:
        you_seek, they_offer = self._matching(seeker=i, offerer=j)
        they_seek, you_offer = self._matching(seeker=j, offerer=i)
        return Suggestion(
            partner_id=self.listed[j].id,
            score=score,
            you_seek=you_seek,
            they_offer=they_offer,
            you_offer=you_offer,
            they_seek=they_seek,
        )

    def _matching(self, seeker: int, offerer: int) -> tuple[str, str]:
        """The excerpts of the seeker's seeks and the offerer's offers around the terms they
        share. Kept: when both suggest each other the same pair is asked for again."""
        key = (seeker, offerer)
        if key not in self._matches:
            seeks, offers = self.side(seeker, "seeks"), self.side(offerer, "offers")
            shared = {
                term: weight * offers.weights[term]
                for term, weight in seeks.weights.items()
                if term in offers.weights
            }
            self._matches[key] = (
                (self._excerpt(seeks, shared), self._excerpt(offers, shared))
                if shared
                else ("", "")
            )
        return self._matches[key]

    def _excerpt(self, side: _Side, shared: dict[int, float]) -> str:
        """Up to EXCERPT_PHRASES phrases, each chosen for the shared weight it adds."""
        covered: set[int] = set()
        chosen: list[tuple[int, str]] = []
        first_gain = 0.0
        for _ in range(EXCERPT_PHRASES):
            best, best_gain = -1, 0.0
            for position, (_phrase, term_ids) in enumerate(side.phrases):
                matched = term_ids.intersection(shared)
                gain = sum(shared[term] for term in matched - covered) if matched else 0.0
                if gain > best_gain:
                    best, best_gain = position, gain
            # A second phrase only when it adds a fair share of what the first one matched.
            if best < 0 or (chosen and best_gain < 0.25 * first_gain):
                break
            if not chosen:
                first_gain = best_gain
            phrase, term_ids = side.phrases[best]
            covered |= term_ids
            if len(phrase) > EXCERPT_CHARS:
                names = {str(self.terms[term]) for term in term_ids if term in shared}
                phrase = _trim(phrase, names, self.analyse)
            chosen.append((best, phrase))
            if covered.issuperset(shared):
                break
        return " \u2026 ".join(excerpt for _, excerpt in sorted(chosen))


def suggest_partners(
    participants: Sequence[ParticipantText], for_id: int, *, limit: int = 10
) -> list[Suggestion]:
    """The best partners for one participant, best first (ties by id).

    Raises KeyError when for_id is not among the participants."""
    catalogue = _Catalogue(participants)
    if for_id not in catalogue.all_ids:
        raise KeyError(for_id)
    i = catalogue.index.get(for_id)
    if i is None or limit <= 0:
        return []
    row = catalogue.scores(i)[0]
    return [catalogue.suggestion(i, j, float(row[j])) for j in catalogue.ranked(i, row, limit)]


def suggest_for_all(
    participants: Sequence[ParticipantText], *, limit: int = 10
) -> dict[int, list[Suggestion]]:
    """Every participant's suggestions (an empty list for those with no text), from one
    vectorisation and one score matrix for the whole catalogue."""
    catalogue = _Catalogue(participants)
    result: dict[int, list[Suggestion]] = {pid: [] for pid in catalogue.all_ids}
    if not catalogue.listed or limit <= 0:
        return result
    matrix = catalogue.scores()
    for i, participant in enumerate(catalogue.listed):
        row = matrix[i]
        result[participant.id] = [
            catalogue.suggestion(i, j, float(row[j])) for j in catalogue.ranked(i, row, limit)
        ]
    return result
