"""The portal as `make serve-prod` serves it: stack/serve.sh runs gunicorn
with deploy/gunicorn.conf.py, CKAN's jobs worker and ckanext-harvest's gather and fetch
consumers beside it, here on the test run's configuration and a free port."""
from __future__ import annotations

import os
import pathlib
import re
import signal
import subprocess
import sys
import time
import urllib.request

import ckan.lib.jobs as jobs
from ckan.plugins import toolkit

from ckanext.gbgopendata.tests.helpers import derived_ini, free_port

ROOT = pathlib.Path(__file__).resolve().parents[3]


def _until(condition, seconds: float, what: str, process: subprocess.Popen, log: pathlib.Path):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"serve.sh exited ({process.returncode}) before {what}:\n{log.read_text()[-3000:]}")
        if condition():
            return
        time.sleep(0.3)
    raise AssertionError(f"no {what} within {seconds} s:\n{log.read_text()[-3000:]}")


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status == 200
    except OSError:
        return False


def _group_alive(pid: int) -> bool:
    try:
        os.killpg(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_serve_prod_answers_runs_the_jobs_and_stops_as_one(tmp_path):
    port = free_port()
    ini = derived_ini(tmp_path / "serve.ini", **{"ckan.site_url": f"http://127.0.0.1:{port}"})
    # Jobs earlier tests left in the test queue are not this worker's to run.
    jobs.get_queue().empty()
    job = toolkit.enqueue_job(jobs.test_job, ["served"], title="serve.sh: the worker runs jobs")
    # A message on each of ckanext-harvest's queues (of no job and no object):
    # taken by its consumer (it logs that neither exists).
    from ckanext.harvest import queue

    harvest_queues = [(queue.get_gather_publisher(), queue.get_gather_routing_key(), "harvest_job_id"),
                      (queue.get_fetch_publisher(), queue.get_fetch_routing_key(), "harvest_object_id")]
    for publisher, _key, field in harvest_queues:
        publisher.send({field: "serve-sh-test"})
    redis = queue.get_connection()
    log = tmp_path / "serve.log"
    with open(log, "wb") as output:
        serving = subprocess.Popen(
            [str(ROOT / "stack" / "serve.sh"), "prod", str(ini)],
            env={**os.environ, "CKAN_PYTHON": sys.executable, "PORT": str(port), "WORKERS": "2"},
            stdout=output, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        )
    try:
        status_show = f"http://127.0.0.1:{port}/api/3/action/status_show"
        _until(lambda: _answers(status_show), 90, "answer from gunicorn", serving, log)
        _until(lambda: job.refresh() or job.get_status() == "finished", 60, "job run by the worker", serving, log)
        for _publisher, key, _field in harvest_queues:
            _until(lambda: redis.llen(key) == 0, 60, f"message of {key} taken by its consumer", serving, log)
    finally:
        serving.send_signal(signal.SIGTERM)
        returncode = serving.wait(90)

    text = log.read_text()
    assert returncode == 143, text[-3000:]
    assert len(re.findall(r"Booting worker with pid", text)) == 2
    # The access log, with each request's time.
    assert re.search(r'"GET /api/3/action/status_show HTTP/1.1" 200 \d+ .* \d+ms', text), text[-3000:]
    # TERM to serve.sh stopped every process it started, with their children.
    started = [int(pid) for pid in re.findall(r"\[serve\] [^:]+: process (\d+)", text)]
    assert len(started) == 4  # the jobs worker, the harvest gather and fetch consumers, gunicorn
    assert not [pid for pid in started if _group_alive(pid)]
