"""A team on a real JupyterHub: alice and bob share versions through one S3 bucket that the
hub configured for everyone, carol only reads. Real HTTP through configurable-http-proxy,
each user with their own hub token. The tests run in order (they share the hub's state)."""

from __future__ import annotations

import re
import threading
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from .conftest import TIMINGS, Hub

NB = "analysis.ipynb"
SPEC = yaml.safe_load(
    (Path(__file__).resolve().parents[2] / "server_ext/nbversion/server/openapi.yaml").read_text()
)
STATE: dict[str, Any] = {}


def _until(check: Any, timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.25)


def test_alice_saves_and_pushes(hub: Hub) -> None:
    alice = hub.users["alice"]
    t0 = time.monotonic()
    alice.put_notebook(NB, ["import numpy as np\narr = np.arange(12.0) * 3\nn = 7"])
    kid = alice.start_kernel(NB)
    alice.execute(kid, "import numpy as np\narr = np.arange(12.0) * 3\nn = 7\nlabel = 'first'")
    job = alice.wait_job(alice.nbv("POST", "versions", json={"path": NB, "message": "first",
                                                            "kernel_id": kid}))  # fmt: skip
    assert job["state"] == "done", job
    alice.execute(kid, "arr[:3] = -1.0\nn = 8\nlabel = 'second'")
    job = alice.wait_job(alice.nbv("POST", "versions", json={"path": NB, "message": "second",
                                                            "kernel_id": kid}))  # fmt: skip
    assert job["state"] == "done", job
    TIMINGS["alice: notebook, kernel, 2 saves (REST)"] = time.monotonic() - t0
    listed = alice.nbv("GET", "versions", params={"path": NB}).json()
    assert [v["message"] for v in listed["versions"]] == ["second", "first"]
    # the author is the hub user, from the single-user server's JUPYTERHUB_USER
    assert {v["author"]["name"] for v in listed["versions"]} == {"alice"}, listed["versions"]
    STATE["nb_id"] = listed["notebook_id"]
    STATE["alice_ids"] = [v["id"] for v in listed["versions"]]
    t0 = time.monotonic()
    job = alice.wait_job(alice.nbv("POST", "remotes/origin/push", json={"path": NB}))
    assert job["state"] == "done", job
    TIMINGS["alice: push to the shared bucket"] = time.monotonic() - t0
    remotes = alice.nbv("GET", "remotes", params={"path": NB}).json()["remotes"]
    assert remotes[0]["name"] == "origin", remotes
    assert remotes[0]["ahead"] == 0, remotes


def test_bob_sees_alice_version_without_a_pull(hub: Hub) -> None:
    """The hub's background fetch (NBVERSION_FETCH_INTERVAL) brings alice's versions."""
    bob = hub.users["bob"]
    t0 = time.monotonic()

    def arrived() -> bool:
        ids = {v["id"] for v in bob.nbv("GET", "versions").json()["versions"]}
        return set(STATE["alice_ids"]) <= ids

    _until(arrived, 60, "the background fetch")
    TIMINGS["bob: alice's versions arrive by background fetch"] = time.monotonic() - t0
    shown = bob.nbv("GET", f"versions/{STATE['alice_ids'][0]}").json()
    assert shown["author"]["name"] == "alice"
    assert shown["message"] == "second"


def test_bob_restores_into_his_running_kernel(hub: Hub) -> None:
    bob = hub.users["bob"]
    t0 = time.monotonic()
    # bob opens the notebook as it was stored (its id continues alice's history)
    stored = bob.nbv("GET", f"versions/{STATE['alice_ids'][0]}/notebook").json()
    r = bob.api("PUT", f"api/contents/{NB}", json={"type": "notebook", "content": stored})
    assert r.status_code in (200, 201), r.text
    kid = bob.start_kernel(NB)
    bob.execute(kid, "label = 'bob was here'")
    listed = bob.nbv("GET", "versions", params={"path": NB}).json()
    assert listed["notebook_id"] == STATE["nb_id"]
    assert {v["from_remote"] for v in listed["versions"]} == {"origin"}, listed["versions"]
    tracking = bob.nbv("GET", "versions", params={"path": NB, "branch": "origin/main"}).json()
    head = tracking["versions"][0]["id"]
    assert head == STATE["alice_ids"][0]
    job = bob.wait_job(bob.nbv("POST", f"versions/{head}/restore",
                               json={"path": NB, "kernel_id": kid}))  # fmt: skip
    assert job["state"] == "done", job
    out = bob.execute(kid, "print(arr.tolist(), n, label)")
    assert out.split() == ["[-1.0,", "-1.0,", "-1.0,", *[f"{3.0 * i}," for i in range(3, 11)],
                           "33.0]", "8", "second"], out  # fmt: skip
    TIMINGS["bob: open, kernel, restore origin/main (REST)"] = time.monotonic() - t0


def _write_operations() -> list[tuple[str, str]]:
    samples = {"ref": "HEAD", "kind": "branches", "name": "exp", "job_id": "0" * 32,
               "remote": "origin", "request_id": "0" * 32}  # fmt: skip
    out = []
    for path, ops in SPEC["paths"].items():
        for method in ops:
            if method in {"post", "put", "delete"}:
                concrete = re.sub(r"\{([^}]+)\}", lambda m: samples[m[1]], path).lstrip("/")
                out.append((method.upper(), concrete))
    return out


def test_carol_reads_alice_versions_and_every_write_is_refused(hub: Hub) -> None:
    carol = hub.users["carol"]
    newer, older = STATE["alice_ids"]
    listed = carol.nbv("GET", "versions", owner="alice", params={"path": NB})
    assert listed.status_code == 200, listed.text
    assert [v["id"] for v in listed.json()["versions"]] == [newer, older]
    diff = carol.nbv("GET", "diff", owner="alice", params={"path": NB, "a": older, "b": newer})
    assert diff.status_code == 200, diff.text
    assert carol.nbv("GET", f"versions/{newer}", owner="alice").status_code == 200
    writes = _write_operations()
    assert len(writes) >= 10
    body = {"path": NB, "name": "exp", "branch": "main", "message": "m", "preview": True,
            "autocommit": False}  # fmt: skip
    answers = {
        (m, p): carol.nbv(m, p, owner="alice", json=None if m == "DELETE" else body,
                          params={"path": NB}).status_code
        for m, p in writes
    }  # fmt: skip
    assert set(answers.values()) == {403}, answers
    # nothing else of alice's server either: no files, no kernels
    assert carol.api("GET", "api/contents", owner="alice").status_code == 403
    assert carol.api("GET", "api/kernels", owner="alice").status_code == 403
    # bob (no reader role) cannot reach alice's server at all
    assert hub.users["bob"].nbv("GET", "status", owner="alice").status_code in (403, 404)
    # nothing changed on alice's side
    again = hub.users["alice"].nbv("GET", "versions", params={"path": NB}).json()
    assert [v["id"] for v in again["versions"]] == [newer, older]


def test_carol_pulls_on_her_server_but_cannot_push(hub: Hub) -> None:
    """On her own server carol is the owner; the bucket refuses her writes (read-only S3
    credentials from the hub), so a push fails and the remote is unchanged."""
    carol = hub.users["carol"]
    job = carol.wait_job(carol.nbv("POST", "remotes/origin/pull"))
    assert job["state"] == "done", job
    stored = carol.nbv("GET", f"versions/{STATE['alice_ids'][0]}/notebook").json()
    r = carol.api("PUT", f"api/contents/{NB}", json={"type": "notebook", "content": stored})
    assert r.status_code in (200, 201), r.text
    job = carol.wait_job(carol.nbv("POST", "versions", json={"path": NB, "message": "carol's"}))
    assert job["state"] == "done", job
    job = carol.wait_job(carol.nbv("POST", "remotes/origin/push", json={"path": NB}))
    assert job["state"] == "failed", job
    assert re.search(r"denied|forbidden|403", job["error"]["message"], re.I), job


def test_two_users_push_at_the_same_moment_and_nobody_loses_a_version(hub: Hub) -> None:
    """alice and bob each make branch ``race`` and push it at once: the bucket's conditional
    PUT lets exactly one create the ref; the other gets "fetch first", pulls, joins and
    pushes; the remote branch then holds both versions."""
    pushers = [hub.users["alice"], hub.users["bob"]]
    made: dict[str, str] = {}
    for user in pushers:
        r = user.nbv("POST", "refs/branches", json={"path": NB, "name": "race"})
        assert r.status_code == 201, r.text
        assert user.nbv("POST", "refs/checkout", json={"path": NB, "branch": "race"}).ok
        body = {"path": NB, "message": f"race by {user.name}"}
        job = user.wait_job(user.nbv("POST", "versions", json=body))
        assert job["state"] == "done", job
        head = user.nbv("GET", "versions", params={"path": NB, "branch": "race"}).json()
        made[user.name] = head["versions"][0]["id"]
    barrier = threading.Barrier(len(pushers))
    jobs: dict[str, dict[str, Any]] = {}

    def push(user: Any) -> None:
        barrier.wait()
        resp = user.nbv("POST", "remotes/origin/push", json={"path": NB, "branch": "race"})
        jobs[user.name] = user.wait_job(resp)

    t0 = time.monotonic()
    threads = [threading.Thread(target=push, args=(u,)) for u in pushers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    TIMINGS["alice + bob: simultaneous pushes"] = time.monotonic() - t0
    states = sorted(j["state"] for j in jobs.values())
    assert states == ["done", "failed"], jobs
    loser = next(u for u in pushers if jobs[u.name]["state"] == "failed")
    assert jobs[loser.name]["error"]["status"] == 409, jobs
    assert "fetch first" in jobs[loser.name]["error"]["message"], jobs
    assert loser.wait_job(loser.nbv("POST", "remotes/origin/pull"))["state"] == "done"
    joined = loser.nbv("POST", "remotes/origin/join", json={"path": NB, "branch": "race"})
    assert joined.status_code in (200, 201), joined.text
    body = {"path": NB, "branch": "race"}
    job = loser.wait_job(loser.nbv("POST", "remotes/origin/push", json=body))
    assert job["state"] == "done", job
    # a reader who pulls sees both versions in the remote branch's history
    carol = hub.users["carol"]
    assert carol.wait_job(carol.nbv("POST", "remotes/origin/pull"))["state"] == "done"
    history = carol.nbv("GET", "versions", params={"path": NB, "branch": "origin/race"}).json()
    head = history["versions"][0]
    assert sorted(head["parents"]) == sorted(made.values()), head  # the join of both
    seen, todo = set(), [head["id"]]  # every ancestor (the listing follows first parents)
    while todo:
        vid = todo.pop()
        if vid not in seen:
            seen.add(vid)
            todo.extend(carol.nbv("GET", f"versions/{vid}").json()["parents"])
    assert set(made.values()) | set(STATE["alice_ids"]) <= seen, (made, seen)
    authors = {carol.nbv("GET", f"versions/{v}").json()["author"]["name"] for v in made.values()}
    assert authors == {"alice", "bob"}


@pytest.fixture(autouse=True)
def _timed(request: pytest.FixtureRequest) -> Any:
    t0 = time.monotonic()
    yield
    TIMINGS[f"test {request.node.name[:38]}"] = time.monotonic() - t0
