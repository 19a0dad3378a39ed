"""`ckan gbgopendata validate`: SHACL validation of a DCAT-AP-SE document
(registered on the `gbgopendata` command group in cli.py)."""
from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path

import click

import ckan.plugins.toolkit as toolkit


def _read_url(url: str) -> tuple[str, str]:
    request = urllib.request.Request(url, headers={"Accept": "application/rdf+xml, text/turtle;q=0.9, */*;q=0.1"})
    with urllib.request.urlopen(request, timeout=300) as response:  # noqa: S310 (the person asks for this URL)
        charset = response.headers.get_content_charset() or "utf-8"
        return response.read().decode(charset), response.headers.get("Content-Type", "")


@click.command("validate")
@click.option("--url", help="Validate the document at this address (e.g. http://127.0.0.1:5000/datasets/dcat).")
@click.option("--file", "file_", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="Validate this file (RDF/XML, Turtle or JSON-LD).")
@click.option("--shapes", type=click.Choice(["se", "eu", "all"]), default="all", show_default=True,
              help="se: our DCAT-AP-SE 3.0.1 shapes; eu: SEMIC's DCAT-AP 3.0.1 shapes; all: both.")
def validate(url: str | None, file_: Path | None, shapes: str) -> None:
    """Validates a DCAT-AP-SE document with SHACL and prints each violation
    (focus node, path, message); exits non-zero when there is one. Without
    --url or --file, the open catalogue as /datasets/dcat serves it."""
    from ckanext.gbgopendata.dcat import kept, shacl

    if url and file_:
        raise click.UsageError(toolkit._("Give --url or --file, not both."))
    try:
        if url:
            text, content_type = _read_url(url)
            name = url
        elif file_:
            text, content_type, name = file_.read_text("utf-8"), "", file_.name
        else:
            flask_app = click.get_current_context().meta["flask_app"]
            with flask_app.test_request_context():
                snapshot, _ = kept.current_snapshot()
                text = b"".join(snapshot.document("xml")).decode("utf-8")
            content_type, name = "application/rdf+xml", "datasets/dcat"
        graph = shacl.parse_document(text, content_type, name)
        results = shacl.validate(graph, shapes)
    except (OSError, urllib.error.URLError, ValueError, shacl.ShapesNotFound) as error:
        click.secho(toolkit._("Cannot validate: {error}").format(error=error), fg="red", err=True)
        raise SystemExit(2)

    violations = shacl.violations(results)
    for result in violations:
        click.echo(result.line())
    chosen = ("se", "eu") if shapes == "all" else (shapes,)
    for name in chosen:
        count = sum(1 for result in violations if result.shapes == name)
        click.secho(
            toolkit._("{shapes} shapes: {count} violations in {triples} triples").format(
                shapes=name, count=count, triples=len(graph)
            ),
            fg="red" if count else "green",
        )
    if violations:
        raise SystemExit(1)


@click.command("rebuild-catalog")
def rebuild_catalog() -> None:
    """Recreates every kept DCAT-AP-SE fragment of the open catalogue (run
    after deploying a new version; /datasets/dcat keeps serving meanwhile)."""
    from ckanext.gbgopendata.dcat import kept

    def progress(length: int):
        return click.progressbar(length=length, label=toolkit._("DCAT fragments"), file=click.get_text_stream("stderr"))

    built, removed = kept.rebuild_catalogue(progress)
    click.secho(
        toolkit._("{built} fragments built, {removed} of datasets outside the open catalogue removed.").format(
            built=built, removed=removed
        ),
        fg="green",
    )


@click.command("import-catalog")
@click.argument("source")
@click.option("--organization-map", "organization_map", multiple=True, metavar="ORGNR=ORGANISATION|FILE",
              help="Which organisation a publisher's datasets go to: its orgnr (or publisher URI) and the "
                   "organisation's name, or a file of such lines or a JSON object. Repeatable. Without it, "
                   "the organisation carrying the publisher's orgnr.")
@click.option("--default-organization", "default_organization", metavar="ORGANISATION",
              help="The organisation of what the map and the orgnr give none (a publisher unknown here, or none).")
@click.option("--syntax", type=click.Choice(["xml", "turtle", "json-ld", "nt", "rdf-json"]),
              help="The document's syntax (default: from the file suffix, the server's media type or the text).")
@click.option("--dry-run", is_flag=True, help="Show what would be created, updated or refused, and store nothing.")
def import_catalog(source: str, organization_map: tuple[str, ...], default_organization: str | None,
                   syntax: str | None, dry_run: bool) -> None:
    """Brings the datasets of a DCAT-AP-SE document (a file or a web address)
    into the portal, keeping each one's identifier and URI. New datasets
    arrive private and are published through the checklist. A second run
    updates what changed in the document and leaves the rest unchanged."""
    from ckanext.gbgopendata.dcat import importing

    flask_app = click.get_current_context().meta["flask_app"]
    with flask_app.test_request_context():
        try:
            graph = importing.read_document(source, syntax)
            mapping = importing.with_default(importing.organization_map(organization_map), default_organization)
        except importing.DocumentError as error:
            click.secho(str(error), fg="red", err=True)
            raise SystemExit(2)

        def progress(outcomes):
            with click.progressbar(outcomes, label=toolkit._("Datasets"), file=click.get_text_stream("stderr")) as bar:
                yield from bar

        outcomes = importing.run(graph, mapping, dry_run, progress)
        for line in importing.report(outcomes, dry_run):
            click.echo(line)
    if any(outcome.action == importing.REFUSED for outcome in outcomes):
        raise SystemExit(1)
