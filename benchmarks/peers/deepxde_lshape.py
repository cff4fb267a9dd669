"""DeepXDE's published Poisson_Lshape example (examples/pinn_forward/Poisson_Lshape.py, DeepXDE 1.15),
scored against a reference at given points while it trains. Run by benchmarks/lshape.py with the
python of a venv that has DeepXDE (never imported by pinn itself).

    python deepxde_lshape.py --reference ref.npz --out trace.jsonl [--dtype float32] [--threads 1]

The setup is the example's: 1200 points inside, 120 on the boundary, 1500 test points, a 4×50 tanh
network (Glorot uniform), Adam (lr 1e-3) for 50 000 iterations, then L-BFGS with DeepXDE's
defaults. Every ``--every`` Adam iterations and after each L-BFGS call, rel L2 against the
reference (``nodes``, quadrature ``weights``, ``values``) is written with the training time so far,
the scoring time taken off the clock.
"""
import argparse
import json
import time

import numpy as np


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--reference", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--dtype", default="float32")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--adam", type=int, default=50000)
    parser.add_argument("--every", type=int, default=1000)
    args = parser.parse_args()

    import torch
    torch.set_num_threads(args.threads)
    import deepxde as dde
    dde.config.set_default_float(args.dtype)
    reference = np.load(args.reference)
    nodes, weights, values = reference["nodes"].astype(args.dtype), reference["weights"], reference["values"]
    scale = np.sqrt(np.sum(weights * values ** 2))

    def pde(x, y):
        return -dde.grad.hessian(y, x, i=0, j=0) - dde.grad.hessian(y, x, i=1, j=1) - 1

    geom = dde.geometry.Polygon([[0, 0], [1, 0], [1, -1], [-1, -1], [-1, 1], [0, 1]])
    # DeepXDE 1.15's Polygon gives its boundary points in float64 whatever the float, and the
    # example then stops in float32 ("mat1 and mat2 must have the same dtype"): cast them
    for name in ("random_boundary_points", "uniform_boundary_points"):
        sample = getattr(geom, name)
        setattr(geom, name, lambda *a, sample=sample, **k: sample(*a, **k).astype(args.dtype))
    bc = dde.icbc.DirichletBC(geom, lambda x: 0, lambda _, on_boundary: on_boundary)
    data = dde.data.PDE(geom, pde, bc, num_domain=1200, num_boundary=120, num_test=1500)
    net = dde.nn.FNN([2] + [50] * 4 + [1], "tanh", "Glorot uniform")
    model = dde.Model(data, net)
    out = open(args.out, "w")
    clock = {"start": time.perf_counter(), "scoring": 0.0}

    class Score(dde.callbacks.Callback):
        def __init__(self, every):
            super().__init__()
            self.every = every

        def on_epoch_end(self):
            step = self.model.train_state.step
            if self.every and step % self.every:
                return
            began = time.perf_counter()
            seconds = began - clock["start"] - clock["scoring"]  # training time so far
            u = self.model.predict(nodes).ravel()
            error = float(np.sqrt(np.sum(weights * (u - values) ** 2)) / scale)
            clock["scoring"] += time.perf_counter() - began
            out.write(json.dumps({"step": step, "seconds": seconds, "rel_l2": error}) + "\n")
            out.flush()

    model.compile("adam", lr=0.001)
    model.train(iterations=args.adam, callbacks=[Score(args.every)], display_every=1000, verbose=0)
    model.compile("L-BFGS")
    model.train(callbacks=[Score(0)], verbose=0)


if __name__ == "__main__":
    main()
