"""The harvest endpoint /datasets/dcat: the whole open catalogue as one
DCAT-AP-SE document, the URL Sveriges dataportal reads every night.

RDF/XML unless Turtle or JSON-LD is asked for by `?format=` or the Accept
header. No paging: DIGG follows no paging links.
"""
from __future__ import annotations

from flask import Blueprint, Response, request
from ckan.plugins import toolkit

from ckanext.gbgopendata.dcat import catalogue

blueprint = Blueprint("gbgopendata_catalogue", __name__)


def _plain(message: str, status: int) -> Response:
    return Response(message + "\n", status=status, mimetype="text/plain")


def negotiated_format() -> tuple[str | None, Response | None]:
    """The document format, or the refusal to give when none fits."""
    asked = request.args.get("format")
    if asked is not None:
        fmt = catalogue.FORMAT_ALIASES.get(asked.strip().lower())
        if fmt is None:
            return None, _plain(
                toolkit._("Unknown format {format}. Choose rdf, ttl or jsonld.").format(format=asked[:50]), 400
            )
        return fmt, None
    accept = request.accept_mimetypes
    if not accept or not request.headers.get("Accept"):
        return "xml", None
    offers = ["application/rdf+xml", "text/turtle", "application/ld+json", "application/json", "application/xml"]
    best = accept.best_match(offers)
    if best is None:
        return None, _plain(
            toolkit._("The catalogue is available as application/rdf+xml, text/turtle or application/ld+json."), 406
        )
    return {"text/turtle": "ttl", "application/ld+json": "jsonld", "application/json": "jsonld"}.get(best, "xml"), None


def datasets_dcat():
    fmt, refusal = negotiated_format()
    if refusal is not None:
        return refusal
    body = "".join(catalogue.document(fmt))
    response = Response(body, mimetype=catalogue.FORMATS[fmt])
    response.charset = "utf-8"
    response.vary.add("Accept")
    return response


blueprint.add_url_rule("/datasets/dcat", view_func=datasets_dcat, methods=["GET"])
