"""Task runners for the build: Prefect's default thread pool, or a Dask cluster (prefect-dask).

Only the per-document stages run on the runner; validation, consolidation and publishing run in
the flow's own process, so there is one writer whatever the cluster.
"""

from __future__ import annotations

from typing import Any

__all__ = ["TASK_RUNNERS", "task_runner"]

TASK_RUNNERS = ("default", "dask")


def task_runner(name: str = "default", address: str | None = None, workers: int | None = None) -> Any:
    """The runner for `name`, or None for Prefect's default. For dask: the scheduler at
    `address`, or a local cluster (`workers` processes, one thread each) started for the run."""
    if name == "default":
        if address:
            raise ValueError("--dask-address needs --task-runner dask")
        return None
    if name != "dask":
        raise ValueError(f"unknown task runner {name!r} (choose from {', '.join(TASK_RUNNERS)})")
    try:
        from prefect_dask import DaskTaskRunner
    except ImportError as error:
        raise RuntimeError("--task-runner dask needs prefect-dask (pip install 'prefect-dask==0.3.7', "
                           "which brings dask and distributed)") from error
    if address:
        return DaskTaskRunner(address=address)
    kwargs = {"n_workers": workers, "threads_per_worker": 1} if workers else {}
    return DaskTaskRunner(cluster_kwargs={**kwargs, "dashboard_address": None})
