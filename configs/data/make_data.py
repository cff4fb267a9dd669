"""Make the measurements the inverse-problem configs read: ``python configs/data/make_data.py``.

Each file is the exact solution at the true parameter value (``exact`` in the config's learnt
parameter) at points drawn uniformly in the domain (on a shape, inside it), plus Gaussian noise of standard deviation
noise · max |u|, seeded (pinn.synthetic): running this again writes the same bytes.
"""
from pathlib import Path

import numpy as np

from pinn.app import synthetic

HERE = Path(__file__).resolve().parent
CONFIGS = HERE.parent
# config -> (data file, measurements, relative noise, seed)
FILES = {
    "inverse_layer1d.yaml": ("layer1d_eps.csv", 30, 0.01, 1),
    "inverse_bratu1d.yaml": ("bratu1d_lambda.csv", 20, 0.01, 2),
    "inverse_poisson2d.yaml": ("poisson2d_diffusivity.csv", 50, 0.01, 3),
    "inverse_conductivity1d.yaml": ("conductivity1d.csv", 30, 0.01, 4),
    "inverse_reaction1d.yaml": ("reaction1d.csv", 30, 0.01, 5),
    "lorenz_inverse.yaml": ("lorenz.csv", 60, 0.01, 6),
    "inverse_disk.yaml": ("disk_diffusivity.csv", 40, 0.01, 7),
}


def main():
    for config, (name, count, noise, seed) in FILES.items():
        section = synthetic.problem_of(CONFIGS / config)
        x, u, sigma = synthetic.measurements(section, count, noise, seed)
        fields = section.fields or ("u",)
        levels = ", ".join(f"{f} {level:.6g}" for f, level in zip(fields, np.atleast_1d(sigma)))
        source = "solve_ivp's solution" if section.fields and section.exact is None else "the exact solution"
        per = " of each field" if section.fields else ""
        comment = (f"made by configs/data/make_data.py for {config}: {count} values{per} of {source}, "
                   f"Gaussian noise sigma = {levels if section.fields else f'{sigma:.6g}'} ({noise:g} of max "
                   f"|{'field' if section.fields else 'u'}|), seed {seed}")
        synthetic.write_csv(HERE / name, synthetic.coordinate_names(section), x, u, comment, fields)
        print(f"{name}: {count} rows, sigma = {levels}")


if __name__ == "__main__":
    main()
