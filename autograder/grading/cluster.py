"""Grading beyond one machine, on Dask distributed: the workers of an existing cluster
(``tcp://HOST:8786``) or a LocalCluster started here (``local`` or ``local:N``).

Each Dask worker runs the same task as a local worker process, ``autograder.grading.workers.grade_one``;
it needs the same environment (this package installed) and the course folder at the same path,
on shared storage or as a copy, and a gradebook every worker reaches (PostgreSQL across machines).
"""
from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager

from autograder.grading.workers import Settings, Timed, grade_one, single_threaded

Job = tuple[str, str, str, bytes | None]  # student, assignment, checksum, the submission's bytes


def local_workers(address: str) -> int | None:
    """N for ``local:N`` (the CPU count for ``local``); None for the address of a scheduler."""
    match = re.fullmatch(r"local(?::(\d+))?", address)
    if not match:
        if not re.fullmatch(r"(tcp|tls|ws|wss|inproc|ucx)://\S+", address):
            raise ValueError(f"--dask {address}: give a scheduler address such as tcp://HOST:8786, or local[:N]")
        return None
    workers = int(match.group(1) or os.cpu_count() or 1)
    if workers < 1:
        raise ValueError("--dask local:N needs at least one worker")
    return workers


@contextmanager
def connect(address: str, timeout: float = 60):
    """A Dask client on ``address``, with at least one worker ready."""
    single_threaded()  # a LocalCluster's workers, and their kernels, inherit it
    from distributed import Client, LocalCluster
    workers = local_workers(address)
    if workers is not None:
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                               dashboard_address=None, silence_logs=logging.ERROR)
        with cluster, Client(cluster) as client:
            yield client
        return
    try:
        client = Client(address, timeout=f"{timeout}s")
    except (OSError, TimeoutError) as error:
        raise RuntimeError(f"cannot reach the Dask scheduler at {address} ({error}); start one with "
                           "`dask scheduler`, or grade with --dask local") from None
    with client:
        try:
            client.wait_for_workers(1, timeout=timeout)
        except TimeoutError:
            raise RuntimeError(f"no Dask worker joined {address} within {timeout:g} s; start one with "
                               f"`dask worker {address}`") from None
        yield client


def grade(address: str, settings: Settings, jobs: list[Job]) -> Iterator[Timed]:
    """Grade ``jobs`` on the cluster at ``address``; results as they finish."""
    from distributed import as_completed
    with connect(address) as client:
        futures = {client.submit(grade_one, settings, *job, pure=False): job for job in jobs}
        for future in as_completed(futures):
            student, assignment, *_ = futures[future]
            try:
                yield future.result()
            except Exception as error:  # a worker lost for good, say
                yield Timed(student, assignment, ungradable=f"its task was lost on the cluster "
                                                            f"({type(error).__name__}: {error})")
