"""The harvest endpoint /datasets/dcat: the whole open catalogue as one
DCAT-AP-SE document, the URL Sveriges dataportal reads every night.

RDF/XML unless Turtle or JSON-LD is asked for by `?format=` or the Accept
header. No paging: DIGG follows no paging links. The document is streamed
from the kept fragments (dcat/kept.py); its strong ETag and Last-Modified
come from them, so a conditional request is answered without reading a
fragment.
"""
from __future__ import annotations

import zlib
from typing import Iterator

from flask import Blueprint, Response, request
from ckan.plugins import toolkit

from ckanext.gbgopendata import jobs
from ckanext.gbgopendata.dcat import catalogue, kept

blueprint = Blueprint("gbgopendata_catalogue", __name__)

CHUNK = 64 * 1024  # bytes gathered before a write
GZIP_LEVEL = 6


def _plain(message: str, status: int) -> Response:
    response = Response(message + "\n", status=status, mimetype="text/plain")
    response.charset = "utf-8"
    return response


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


def _wants_gzip() -> bool:
    return request.accept_encodings["gzip"] > 0


def _encoded(pieces: Iterator[bytes], gzip: bool) -> Iterator[bytes]:
    """The document in chunks of about CHUNK (the first, the header, at
    once: the harvester's first byte does not wait for the fragments),
    gzipped if asked."""
    compressor = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, 31) if gzip else None
    buffer: list[bytes] = []
    size = 0
    first = True
    try:
        for piece in pieces:
            buffer.append(piece)
            size += len(piece)
            if size >= CHUNK or first:
                chunk = b"".join(buffer)
                buffer, size = [], 0
                if compressor:
                    chunk = compressor.compress(chunk) + (compressor.flush(zlib.Z_SYNC_FLUSH) if first else b"")
                first = False
                if chunk:
                    yield chunk
        chunk = b"".join(buffer)
        if compressor:
            chunk = compressor.compress(chunk) + compressor.flush()
        if chunk:
            yield chunk
    finally:
        close = getattr(pieces, "close", None)
        if close:
            close()


def _not_modified(etag: str, since) -> bool:
    if request.if_none_match:
        return request.if_none_match.contains_weak(etag)
    asked = request.if_modified_since
    return asked is not None and since is not None and since.replace(tzinfo=asked.tzinfo) <= asked


def datasets_dcat():
    fmt, refusal = negotiated_format()
    if refusal is not None:
        return refusal
    snapshot, needs_job = kept.current_snapshot()
    if needs_job:
        jobs.enqueue_catalogue_refresh()
    gzip = _wants_gzip()
    # A strong validator per representation: the syntax and the coding.
    etag = f"{snapshot.state.etag[:32]}-{fmt}" + ("-gzip" if gzip else "")
    since = kept.last_modified(snapshot.state.etag)
    headers = {"Vary": "Accept, Accept-Encoding", "Cache-Control": "public, max-age=0, must-revalidate"}
    not_modified = _not_modified(etag, since)
    if not_modified or request.method == "HEAD":
        snapshot.close()
        status = 304 if not_modified else 200
        response = Response(status=status, headers=headers)
    else:
        status = 200
        response = Response(_encoded(snapshot.document(fmt), gzip), headers=headers)
    if status == 200:
        # every syntax is UTF-8, said so (JSON-LD's media type has no default)
        response.headers["Content-Type"] = f"{catalogue.FORMATS[fmt]}; charset=utf-8"
        if gzip:
            response.headers["Content-Encoding"] = "gzip"
    response.set_etag(etag)
    response.last_modified = since
    return response


blueprint.add_url_rule("/datasets/dcat", view_func=datasets_dcat, methods=["GET", "HEAD"])
