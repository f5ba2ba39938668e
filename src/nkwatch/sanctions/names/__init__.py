"""Name screening: names in any script against the sanctions lists, explainable and fast.

``NameIndex.build(parties)`` indexes every published name; ``index.search(NameQuery(...))``
returns ranked :class:`NameMatch` candidates whose ``explanation`` lists the features behind
the score. See docs/architecture.md ("Name matching") for the algorithm.
"""

from nkwatch.sanctions.names.index import NameIndex, match_names
from nkwatch.sanctions.names.model import DEFAULT_THRESHOLD, Feature, NameMatch, NameQuery

__all__ = ["DEFAULT_THRESHOLD", "Feature", "NameIndex", "NameMatch", "NameQuery", "match_names"]
