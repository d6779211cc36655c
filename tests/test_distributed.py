"""Distributed EM and alignment on a real (local, multi-process) Dask cluster.

One module-scoped ``LocalCluster(n_workers=2, processes=True, threads_per_worker=1)``
serves every test; the fault-tolerance tests kill a worker process and a client
process for real and check that the parameters do not change.
"""
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
import warnings

import numpy as np
import pytest

pytest.importorskip("dask", reason="tiedpgm.distributed needs dask: pip install 'tiedpgm[dask]'")
distributed = pytest.importorskip(
    "distributed", reason="tiedpgm.distributed needs dask.distributed: pip install 'tiedpgm[dask]'")

import tiedpgm as tp  # noqa: E402
from tiedpgm import distributed as td  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture(scope="module")
def cluster():
    # workers are spawned processes: they import tiedpgm from this checkout
    old = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = ROOT + (os.pathsep + old if old else "")
    try:
        with warnings.catch_warnings():
            # distributed's start-up/shut-down chatter, not ours
            warnings.filterwarnings("ignore", category=ResourceWarning)
            warnings.filterwarnings("ignore", message=".*Port .* is already in use.*")
            c = distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                                         dashboard_address=None, silence_logs=50)
        yield c
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", category=ResourceWarning)
            c.close()
    finally:
        if old is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = old


@pytest.fixture(scope="module")
def client(cluster):
    c = distributed.Client(cluster)
    yield c
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=ResourceWarning)
        c.close()


# ----------------------------------------------------------------------------- data
def _categorical_data(n_seq=40, length=60, seed=0):
    rng = np.random.default_rng(seed)
    gen = tp.CategoricalHMM(n_components=3, n_features=6)
    gen.startprob_ = np.full(3, 1 / 3)
    gen.transmat_ = np.array([[0.8, 0.1, 0.1], [0.1, 0.8, 0.1], [0.1, 0.1, 0.8]])
    gen.emissionprob_ = rng.dirichlet(np.ones(6), size=3)
    lens = rng.integers(length // 2, length * 3 // 2, size=n_seq)
    return [gen.sample(int(n), random_state=seed + i)[0] for i, n in enumerate(lens)]


def _gaussian_data(n_seq=30, length=50, seed=1):
    rng = np.random.default_rng(seed)
    gen = tp.GaussianHMM(n_components=3, covariance_type="full")
    gen.startprob_ = np.full(3, 1 / 3)
    gen.transmat_ = np.array([[0.9, 0.05, 0.05], [0.05, 0.9, 0.05], [0.05, 0.05, 0.9]])
    gen.means_ = rng.normal(scale=3, size=(3, 2))
    gen.covars_ = np.tile(np.eye(2), (3, 1, 1))
    lens = rng.integers(length // 2, length * 3 // 2, size=n_seq)
    return [gen.sample(int(n), random_state=seed + i)[0] for i, n in enumerate(lens)]


def _concat(seqs):
    return np.concatenate(seqs), [len(s) for s in seqs]


def _gaussian_model(**kw):
    kw = {**dict(n_components=4, covariance_type="full", tie_groups=[0, 0, 1, 2],
                 random_state=0, n_iter=12, tol=-np.inf), **kw}
    return tp.GaussianHMM(**kw)


def _categorical_model(**kw):
    kw = {**dict(n_components=4, tie_groups=[0, 1, 1, 2], random_state=0, n_iter=12,
                 tol=-np.inf), **kw}
    return tp.CategoricalHMM(**kw)


def _assert_same_params(a, b, rtol=1e-10, atol=0.0):
    names = ["startprob_", "transmat_"] + (
        ["means_", "covars_"] if hasattr(a, "covariance_type") else ["emissionprob_"])
    for n in names:
        np.testing.assert_allclose(getattr(a, n), getattr(b, n), rtol=rtol, atol=atol,
                                   err_msg=n)
    np.testing.assert_allclose(a.monitor_.history, b.monitor_.history, rtol=rtol, atol=atol)


# ----------------------------------------------------------------------------- summaries
def test_summaries_of_chunks_add_to_whole_and_round_trip(tmp_path):
    seqs = _gaussian_data()
    X, L = _concat(seqs)
    m = _gaussian_model().fit(X, L)
    whole = m.summarize(X, L)
    parts = [m.summarize(*_concat(seqs[a:a + 7])) for a in range(0, len(seqs), 7)]
    for total in (sum(parts), td.add_summaries(parts)):
        assert total.n_samples == whole.n_samples and total.n_sequences == whole.n_sequences
        np.testing.assert_allclose(total.log_prob, whole.log_prob, rtol=1e-12)
        np.testing.assert_allclose(total.start, whole.start, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(total.trans, whole.trans, rtol=1e-10)
        for k in whole.emission:
            np.testing.assert_allclose(total.emission[k], whole.emission[k], rtol=1e-10,
                                       atol=1e-9)
    # files written by separate jobs add up the same; the format needs no pickle
    paths = [td.save_summary(p, tmp_path / f"part{i}") for i, p in enumerate(parts)]
    loaded = [td.load_summary(p) for p in paths]
    for p, q in zip(parts, loaded):
        assert q.log_prob == p.log_prob and q.n_samples == p.n_samples
        np.testing.assert_array_equal(q.trans, p.trans)
        for k in p.emission:
            np.testing.assert_array_equal(q.emission[k], p.emission[k])
    with np.load(paths[0], allow_pickle=False) as d:
        assert "emission.sum_w" in d.files or "emission.sum_x" in d.files
    a = _gaussian_model().fit(X, L)
    b = _gaussian_model().fit(X, L)
    a.apply_summaries(sum(loaded))
    b.apply_summaries(whole)
    np.testing.assert_allclose(a.means_, b.means_, rtol=1e-10)


def test_partial_fit_stepwise_rule():
    seqs = _categorical_data(n_seq=30)
    b1, b2 = _concat(seqs[:15]), _concat(seqs[15:])
    m = _categorical_model(n_features=6)
    assert m.partial_fit(*b1) is m            # the method is tiedpgm.distributed.partial_fit
    one = _categorical_model(n_features=6, n_iter=1).fit(*b1)   # init + one EM step
    np.testing.assert_allclose(m.emissionprob_, one.emissionprob_, rtol=1e-12)
    assert m.n_batches_ == 1
    # second batch: S_2 = (1 - rho) S_1 + rho s_2, rho = (2 + t0) ** -kappa
    s1 = m.online_stats_
    ref = tp.load(_roundtrip(m))
    s2 = ref.summarize(*b2)
    rho = (2 + 2.0) ** -0.6
    ref.apply_summaries(td.scale_summary(s1, 1 - rho) + td.scale_summary(s2, rho))
    td.partial_fit(m, *b2, kappa=0.6, t0=2.0)
    np.testing.assert_allclose(m.emissionprob_, ref.emissionprob_, rtol=1e-12)
    np.testing.assert_allclose(m.transmat_, ref.transmat_, rtol=1e-12)
    with pytest.raises(ValueError, match="kappa"):
        td.partial_fit(m, *b2, kappa=0.3)


def _roundtrip(model):
    import tempfile
    d = tempfile.mkdtemp()
    return model.save(os.path.join(d, "m.npz"))


# ----------------------------------------------------------------------------- fit
def test_distributed_fit_equals_local_categorical_list_and_bag(client):
    import dask.bag as db
    seqs = _categorical_data()
    local = _categorical_model().fit(*_concat(seqs))
    dist = td.fit(_categorical_model(), seqs, client, init_rows=None, n_chunks=5)
    _assert_same_params(dist, local)
    assert dist.backend_ == "numba" and dist.monitor_.iter == local.monitor_.iter
    X, L = _concat(seqs)            # model.fit's (X, lengths) works too
    _assert_same_params(td.fit(_categorical_model(), X, client, lengths=L, init_rows=None),
                        local)
    bag = db.from_sequence(seqs, npartitions=3)
    dist_bag = td.fit(_categorical_model(), bag, client, init_rows=None)
    _assert_same_params(dist_bag, local)
    # the estimator's own entry point: fit(..., client=)
    _assert_same_params(_categorical_model().fit(X, L, client=client, init_rows=None), local)
    with pytest.raises(TypeError, match="only apply with client="):
        _categorical_model().fit(X, L, init_rows=None)


def test_distributed_fit_equals_local_tied_gaussian_from_files(client, tmp_path):
    seqs = _gaussian_data()
    paths = []
    for i in range(0, len(seqs), 8):        # .npz chunks with lengths, read on the workers
        X, L = _concat(seqs[i:i + 8])
        p = tmp_path / f"chunk{i:03d}.npz"
        np.savez(p, X=X, lengths=np.array(L))
        paths.append(str(p))
    local = _gaussian_model().fit(*_concat(seqs))
    dist = td.fit(_gaussian_model(), paths, client, init_rows=None)
    _assert_same_params(dist, local)
    np.testing.assert_allclose(dist.group_covars_, local.group_covars_, rtol=1e-10)
    # initialised elsewhere (init_params="") from a checkpoint-like start: same too
    start = _gaussian_model(n_iter=1).fit(*_concat(seqs))
    a = tp.load(_roundtrip(start)).set_params(init_params="", n_iter=6)
    b = tp.load(_roundtrip(start)).set_params(init_params="", n_iter=6)
    _assert_same_params(td.fit(a, paths, client), b.fit(*_concat(seqs)))


def _processing_workers(client):
    return {w for w, keys in client.processing().items()
            if any("tiedpgm-estep" in str(k) for k in keys)}


def test_worker_killed_mid_estep_gives_identical_parameters(client, cluster):
    # the slow NumPy reference kernels make each E-step long enough to be hit
    seqs = _categorical_data(n_seq=40, length=400, seed=3)
    kw = dict(backend="numpy", n_iter=4)
    reference = td.fit(_categorical_model(**kw), seqs, client, init_rows=None, n_chunks=8)
    model = _categorical_model(**kw)
    result, errors = {}, []

    def run():
        try:
            result["model"] = td.fit(model, seqs, client, init_rows=None, n_chunks=8)
        except BaseException as exc:        # surfaced by the assertion below
            errors.append(exc)

    th = threading.Thread(target=run)
    th.start()
    victim, deadline = None, time.time() + 30
    while victim is None and time.time() < deadline and th.is_alive():
        mon = getattr(model, "monitor_", None)
        busy = _processing_workers(client)
        if mon is not None and mon.iter >= 1 and busy:
            victim = sorted(busy)[0]
        else:
            time.sleep(0.005)
    assert victim is not None, "the fit ended before a worker could be killed"
    nanny = next(n for n in cluster.workers.values() if n.worker_address == victim)
    pid = nanny.process.process.pid
    held = client.run_on_scheduler(
        lambda dask_scheduler, w=victim: sum(
            1 for ts in dask_scheduler.tasks.values()
            if "tiedpgm-chunk" in str(ts.key) and any(ws.address == w for ws in ts.who_has)))
    it_at_kill = model.monitor_.iter
    os.kill(pid, signal.SIGKILL)
    th.join(120)
    assert not th.is_alive() and not errors, errors
    # observed: the process is gone, the scheduler lost that worker, the fit went on
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    assert victim not in client.scheduler_info()["workers"]
    assert held >= 1 and it_at_kill < kw["n_iter"]
    got = result["model"]
    assert got.monitor_.iter == kw["n_iter"]
    for n in ("startprob_", "transmat_", "emissionprob_"):
        np.testing.assert_array_equal(getattr(got, n), getattr(reference, n), err_msg=n)
    assert got.monitor_.history == reference.monitor_.history
    client.wait_for_workers(2, timeout=60)


_CLIENT_SCRIPT = textwrap.dedent("""
    import sys, time
    import numpy as np
    import tiedpgm as tp
    from tiedpgm import distributed as td
    from distributed import Client
    address, ckpt = sys.argv[1], sys.argv[2]
    paths = sys.argv[3:]
    client = Client(address)
    m = tp.CategoricalHMM(n_components=4, tie_groups=[0, 1, 1, 2], random_state=0,
                          n_iter=30, tol=-np.inf)
    td.fit(m, paths, client, init_rows=None, checkpoint=ckpt, checkpoint_every=3,
           callback=lambda model: time.sleep(0.1))    # a slow client, so it can be killed
    print("finished", flush=True)
""")


def test_checkpoint_kill_client_resume_same_parameters(client, cluster, tmp_path):
    seqs = _categorical_data(n_seq=24, seed=5)
    paths = []
    for i in range(0, len(seqs), 6):
        X, L = _concat(seqs[i:i + 6])
        p = tmp_path / f"c{i:03d}.npz"
        np.savez(p, X=X, lengths=np.array(L))
        paths.append(str(p))
    ckpt = str(tmp_path / "fit.ckpt.npz")
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.Popen([sys.executable, "-c", _CLIENT_SCRIPT, cluster.scheduler_address,
                             ckpt, *paths], env=env, cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.time() + 60
        done_iter = 0
        while time.time() < deadline and proc.poll() is None:
            if os.path.exists(ckpt):
                done_iter = tp.load(ckpt).monitor_.iter
                if done_iter >= 6:
                    break
            time.sleep(0.02)
        assert proc.poll() is None, proc.communicate()
        proc.kill()                              # the client dies mid-fit
        proc.wait(30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(30)
        proc.stdout.close()
        proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL
    saved = tp.load(ckpt)
    assert 6 <= saved.monitor_.iter < 30 and not saved.monitor_.converged
    resumed = td.resume(ckpt, paths, client)
    uninterrupted = td.fit(_categorical_model(n_iter=30), paths, client, init_rows=None)
    assert resumed.monitor_.iter == 30
    for n in ("startprob_", "transmat_", "emissionprob_"):
        np.testing.assert_array_equal(getattr(resumed, n), getattr(uninterrupted, n),
                                      err_msg=n)
    assert resumed.monitor_.history == uninterrupted.monitor_.history
    assert tp.load(ckpt).monitor_.iter == 30        # the checkpoint moved on to the end


def test_bad_chunk_is_named(client):
    seqs = _categorical_data(n_seq=6)
    seqs[4] = seqs[4].astype(np.float64) + 0.5
    with pytest.raises(ValueError, match="chunk"):
        td.fit(_categorical_model(n_features=6, n_iter=2), seqs, client, n_chunks=6,
               init_rows=10)


# ----------------------------------------------------------------------------- alignment
def _random_pairs(n, seed=0):
    rng = np.random.default_rng(seed)
    pairs = []
    for _ in range(n):
        x = "".join(rng.choice(list("ACGT"), size=int(rng.integers(4, 16))))
        y = list(x)
        for _ in range(int(rng.integers(0, 4))):
            y[int(rng.integers(len(y)))] = str(rng.choice(list("ACGT")))
        y = "".join(y[int(rng.integers(0, 2)):])
        pairs.append((x, y or "A"))
    return pairs


def test_distributed_align_many_equals_local_on_1000_pairs(client):
    import pandas as pd
    ph = tp.PairHMM.from_preset("dna")
    pairs = _random_pairs(1000)
    local = ph.align_many(pairs, progress=False)
    dist = td.align_many(ph, pairs, client, block_size=200)
    assert len(dist) == 1000 and list(dist.index) == list(range(1000))
    pd.testing.assert_frame_equal(dist, local, check_exact=False, rtol=1e-10)
    np.testing.assert_allclose(td.score_many(ph, pairs, client, block_size=300),
                               ph.score_many(pairs, progress=False), rtol=1e-10)


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_all_vs_all_fasta_streams_parts(client, tmp_path, fmt):
    import pandas as pd
    if fmt == "parquet":
        pytest.importorskip("pyarrow", reason="Parquet output needs pyarrow")
    ph = tp.PairHMM.from_preset("dna")
    seqs = [p[0] for p in _random_pairs(11, seed=4)]
    fasta = tmp_path / "s.fa"
    fasta.write_text("".join(f">s{i:02d}\n{s}\n" for i, s in enumerate(seqs)))
    parts = td.align_all_vs_all(ph, fasta, client, tmp_path / "out", block=4, fmt=fmt)
    assert parts["n_rows"].sum() == 11 * 10 // 2 and len(parts) == 6
    read = (pd.read_parquet if fmt == "parquet"
            else lambda p: pd.read_csv(p, keep_default_na=False))
    got = pd.concat([read(p) for p in parts["path"]])
    got = got.sort_values(["id_x", "id_y"]).reset_index(drop=True)
    named = [(td._Named(f"s{i:02d}", a), td._Named(f"s{j:02d}", b))
             for i, a in enumerate(seqs) for j, b in enumerate(seqs) if i < j]
    local = ph.align_many(named, progress=False).sort_values(["id_x", "id_y"])
    pd.testing.assert_frame_equal(got, local.reset_index(drop=True), check_exact=False,
                                  rtol=1e-10, check_dtype=False)


def test_distributed_fit_from_parquet_chunks_equals_local(client, tmp_path):
    pd = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow", reason="Parquet input needs pyarrow")
    seqs = _gaussian_data(n_seq=12)
    paths = []
    for i in range(0, len(seqs), 4):        # one row per observation + a sequence id column
        rows = [pd.DataFrame(s, columns=[f"f{d}" for d in range(s.shape[1])]).assign(
            sequence=i + k) for k, s in enumerate(seqs[i:i + 4])]
        p = tmp_path / f"chunk{i:03d}.parquet"
        pd.concat(rows, ignore_index=True).to_parquet(p)
        paths.append(str(p))
    local = _gaussian_model().fit(*_concat(seqs))
    dist = td.fit(_gaussian_model(), paths, client, init_rows=None)
    _assert_same_params(dist, local)
