"""Make the measurements the inverse-problem configs read: ``python configs/data/make_data.py``.

Each file is the exact solution at the true parameter value (``exact`` in the config's learnt
parameter) at points drawn uniformly in the domain, plus Gaussian noise of standard deviation
noise · max |u|, seeded (pinn.synthetic): running this again writes the same bytes.
"""
from pathlib import Path

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
}


def main():
    for config, (name, count, noise, seed) in FILES.items():
        section = synthetic.problem_of(CONFIGS / config)
        x, u, sigma = synthetic.measurements(section, count, noise, seed)
        comment = (f"made by configs/data/make_data.py for {config}: {count} values of the exact solution, "
                   f"Gaussian noise sigma = {sigma:.6g} ({noise:g} of max |u|), seed {seed}")
        synthetic.write_csv(HERE / name, synthetic.coordinate_names(section), x, u, comment)
        print(f"{name}: {count} rows, sigma = {sigma:.4g}")


if __name__ == "__main__":
    main()
