"""`ckan gbgopendata check-links`: link checks asked for as background jobs
(for a nightly cron), with a progress bar while their results land."""
from __future__ import annotations

import datetime
import time

import click

import ckan.plugins.toolkit as toolkit

# How often the table is read while waiting, and for how long at most
POLL_SECONDS = 0.5


@click.command("check-links")
@click.option("--all", "all_", is_flag=True, help="Check every URL of the active datasets again.")
@click.option("--older-than", type=click.FloatRange(min=0), metavar="DAYS",
              help="Check again the URLs last checked more than DAYS days ago (and those never checked).")
@click.option("--no-wait", is_flag=True, help="Only enqueue the checks; do not wait for their results.")
@click.option("--wait-at-most", type=click.FloatRange(min=0), default=3600, show_default=True, metavar="SECONDS",
              help="Stop waiting (the checks go on in the jobs worker) after this long.")
def check_links(all_: bool, older_than: float | None, no_wait: bool, wait_at_most: float) -> None:
    """Asks the jobs worker (`ckan jobs worker`) to check the distributions'
    accessURL and downloadURL: by default those never checked; with
    --older-than DAYS also those checked before; with --all every one.
    Shows a progress bar as the results are stored."""
    from ckanext.gbgopendata.quality import links

    flask_app = click.get_current_context().meta["flask_app"]
    with flask_app.test_request_context():
        every = links.all_urls()
        if all_:
            wanted = every
        else:
            wanted = links.unchecked(every)
            if older_than is not None:
                known = set(every)
                wanted = sorted(set(wanted) | {url for url in links.stale(older_than) if url in known})
        started = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
        enqueued = links.request_checks(wanted, only_unchecked=False)
        click.echo(toolkit._("Links of the catalogue: {total}. Checks asked for: {asked}.").format(
            total=len(every), asked=enqueued))
        if no_wait or not enqueued:
            return
        deadline = time.monotonic() + wait_at_most
        with click.progressbar(length=len(wanted), label=toolkit._("Link checks"),
                               file=click.get_text_stream("stderr")) as bar:
            done = 0
            while done < len(wanted) and time.monotonic() < deadline:
                checked = links.results(wanted)
                now_done = sum(1 for result in checked.values() if result.checked_at and result.checked_at >= started)
                bar.update(now_done - done)
                done = now_done
                if done < len(wanted):
                    time.sleep(POLL_SECONDS)
        checked = links.results(wanted)
        failed = sorted(url for url, result in checked.items() if result.ok is False)
        for url in failed:
            click.echo(f"  {url}: {checked[url].outcome} {checked[url].status or ''}".rstrip())
        click.secho(toolkit._("Checked: {checked}. Failed: {failed}.").format(
            checked=sum(1 for r in checked.values() if r.checked_at and r.checked_at >= started), failed=len(failed)),
            fg="green" if not failed else "yellow")
