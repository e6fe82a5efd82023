"""The search language readers type, parsed once and written out for each backend.

Words, "phrases", `OR` between two terms, `-word` or `-"a phrase"` to exclude. Anything else
(stray quotes, brackets, stars, colons, NUL bytes, kilobytes of text) is read as plain words:
no input can make a backend's own query syntax fail.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

MAX_QUERY_LENGTH = 200
MAX_TERMS = 12
_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Term:
    """A word or a phrase, as the words it is made of."""

    words: tuple[str, ...]

    @property
    def text(self) -> str:
        return " ".join(self.words)


@dataclass
class SearchQuery:
    """`groups` must all match (each group: any of its terms); `excluded` must not."""

    groups: list[list[Term]] = field(default_factory=list)
    excluded: list[Term] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.groups)

    @property
    def words(self) -> list[str]:
        """The words to find, in order (for "did you mean")."""
        return [word for group in self.groups for term in group for word in term.words]

    @property
    def has_phrase(self) -> bool:
        """Whether a term to find is a phrase (more than one word)."""
        return any(len(term.words) > 1 for group in self.groups for term in group)

    def to_fts5(self) -> str:
        """The FTS5 MATCH expression: every term a quoted string, so nothing is an operator."""
        groups = [" OR ".join(_fts5_string(term) for term in group) for group in self.groups]
        expression = " AND ".join(f"({group})" for group in groups)
        for term in self.excluded:
            expression = f"({expression}) NOT {_fts5_string(term)}"
        return expression

    def to_websearch(self) -> str:
        """The same query for PostgreSQL's `websearch_to_tsquery`."""
        parts = [" or ".join(_websearch_term(term) for term in group) for group in self.groups]
        parts += [f"-{_websearch_term(term)}" for term in self.excluded]
        return " ".join(parts)

    def with_words(self, replacements: dict[str, str]) -> SearchQuery:
        """The query with some words replaced (a "did you mean" suggestion)."""

        def swap(term: Term) -> Term:
            return Term(tuple(replacements.get(word, word) for word in term.words))

        return SearchQuery(
            [[swap(term) for term in group] for group in self.groups],
            [swap(term) for term in self.excluded],
        )

    def __str__(self) -> str:
        def show(term: Term) -> str:
            return f'"{term.text}"' if len(term.words) > 1 else term.text

        parts = [" OR ".join(show(term) for term in group) for group in self.groups]
        return " ".join(parts + [f"-{show(term)}" for term in self.excluded])


def parse(text: str) -> SearchQuery:
    query = SearchQuery()
    text = text.replace("\x00", " ")[:MAX_QUERY_LENGTH]
    pending_or = last_positive = False
    term_count = 0
    for match in _TOKEN.finditer(text):
        negated, phrase, bare = match.group(1), match.group(2), match.group(3)
        if bare is not None:
            if bare == "OR":
                pending_or = last_positive
                continue
            negated = "-" if bare.startswith("-") else ""
            phrase = bare
        words = tuple(word.lower() for word in _WORD.findall(phrase or ""))
        if not words or term_count >= MAX_TERMS:
            pending_or = last_positive = False
            continue
        term_count += 1
        term = Term(words[:MAX_TERMS])
        last_positive = not negated
        if negated:
            query.excluded.append(term)
        elif pending_or:
            query.groups[-1].append(term)
        else:  # a bare "covid-19" is a phrase of two words, as both backends read it
            query.groups.append([term])
        pending_or = False
    return query


def _fts5_string(term: Term) -> str:
    return '"' + " ".join(term.words).replace('"', '""') + '"'


def _websearch_term(term: Term) -> str:
    return f'"{term.text}"' if len(term.words) > 1 else term.text
