"""Scheduling and scale-out: `drugdata serve` really serves (a run triggered through the API
completes, Ctrl-C stops it without a traceback), and the build on a two-worker Dask cluster
publishes the same tables as the default runner."""

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
PAGES = ["mednook/baclofen.txt", "healthloom/metformin.html", "rxbriefs/tizanidine.txt"]


@pytest.fixture(scope="module")
def small_raw(tmp_path_factory) -> Path:
    raw = tmp_path_factory.mktemp("raw")
    for page in PAGES:
        (raw / page).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(REPO / "raw" / page, raw / page)
    return raw


def test_drugdata_serve_runs_a_triggered_build(prefect_harness, small_raw, tmp_path):
    import prefect.settings
    from prefect.deployments import run_deployment

    out = tmp_path / "out"
    env = {**os.environ, "PREFECT_API_URL": prefect.settings.PREFECT_API_URL.value() or "",
           "PREFECT_RUNNER_POLL_FREQUENCY": "1"}
    server = subprocess.Popen([sys.executable, "-m", "drugdata", "serve", "--raw", str(small_raw), "--out", str(out),
                               "--cron", "0 4 * * *", "--keep", "2"],
                              cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        run = None
        deadline = time.monotonic() + 60
        while run is None and time.monotonic() < deadline:  # the deployment appears once serve has started
            try:
                run = run_deployment("drugdata-build/drugdata-build", timeout=120, poll_interval=1)
            except Exception:  # noqa: BLE001 - not registered yet
                assert server.poll() is None, server.communicate()[0]
                time.sleep(1)
        assert run is not None and run.state is not None and run.state.is_completed(), run
        assert (out / "current").is_symlink() and (out / "drugdata.duckdb").is_file()
    finally:
        server.send_signal(signal.SIGINT)  # what Ctrl-C sends
        output = server.communicate(timeout=60)[0]
    assert "Traceback" not in output, output


def test_the_deployment_of_the_served_schedule(prefect_harness):
    from flows.build import build

    deployment = build.to_deployment(name="drugdata-build", cron="0 4 * * *", parameters={"out_dir": "o"})
    assert deployment.schedules[0].schedule.cron == "0 4 * * *" and deployment.parameters == {"out_dir": "o"}


def test_prefect_yaml_builds_on_demand_and_refreshes_on_schedule(repo):
    config = yaml.safe_load((repo / "prefect.yaml").read_text())
    by_name = {d["name"]: d for d in config["deployments"]}
    assert by_name["drugdata-build"]["entrypoint"] == "flows/build.py:build"
    assert not by_name["drugdata-build"].get("schedules")  # only the refresh is scheduled
    assert by_name["drugdata-refresh"]["schedules"][0]["cron"] == "0 3 * * *"


def test_a_two_worker_dask_cluster_publishes_the_same_tables(prefect_harness, small_raw, tmp_path):
    pytest.importorskip("prefect_dask", reason="prefect-dask is not installed: the dask runner is not tested")
    from flows.build import build
    from flows.runners import task_runner

    default = build(raw_dir=str(small_raw), out_dir=str(tmp_path / "default"), batch_size=1)
    dask = build.with_options(task_runner=task_runner("dask", workers=2))(
        raw_dir=str(small_raw), out_dir=str(tmp_path / "dask"), batch_size=1)
    assert dask["row_counts"] == default["row_counts"] and dask["documents_read"] == 3
    for parquet in sorted((tmp_path / "default" / "parquet").glob("*.parquet")):  # deterministic: same bytes
        assert parquet.read_bytes() == (tmp_path / "dask" / "parquet" / parquet.name).read_bytes(), parquet.name


def test_worker_processes_publish_the_same_tables_as_the_flows_own_process(prefect_harness, small_raw, tmp_path):
    from flows.build import build

    inline = build(raw_dir=str(small_raw), out_dir=str(tmp_path / "inline"), batch_size=1, workers=0)
    pooled = build(raw_dir=str(small_raw), out_dir=str(tmp_path / "pooled"), batch_size=1, workers=2)
    assert pooled["row_counts"] == inline["row_counts"] and pooled["documents_read"] == 3
    for parquet in sorted((tmp_path / "inline" / "parquet").glob("*.parquet")):
        assert parquet.read_bytes() == (tmp_path / "pooled" / "parquet" / parquet.name).read_bytes(), parquet.name
