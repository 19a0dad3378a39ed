"""Every text response says that it is UTF-8 (issue 20): without a
charset a browser guesses, and ckanext-dcat's Turtle reads "Ã–ppna data
frÃ¥n GÃ¶teborgs…". CKAN, ckanext-dcat and the feeds all encode as UTF-8;
what they leave unsaid is said here, once, after the view. A file sent as
it is (a resource's upload, a static asset: `direct_passthrough`) keeps
its headers: its bytes are the publisher's, in whatever coding they are.
No database."""
from __future__ import annotations

from typing import Any

# Media types outside text/* whose body is text (RDF, JSON, JavaScript).
TEXTUAL_APPLICATION_TYPES = frozenset({
    "application/json", "application/ld+json", "application/javascript", "application/xml",
    "application/rdf+xml", "application/n-triples", "application/n-quads", "application/trig",
    "application/atom+xml", "application/rss+xml", "application/geo+json", "application/sparql-results+json",
})
TEXTUAL_SUFFIXES = ("+xml", "+json")


def is_text(mimetype: str) -> bool:
    mimetype = mimetype.lower()
    return mimetype.startswith("text/") or mimetype in TEXTUAL_APPLICATION_TYPES or mimetype.endswith(TEXTUAL_SUFFIXES)


def declare_utf8(response: Any) -> Any:
    if response.direct_passthrough or not response.mimetype or "charset" in response.mimetype_params:
        return response
    if is_text(response.mimetype):
        response.headers["Content-Type"] = f"{response.headers['Content-Type']}; charset=utf-8"
    return response
