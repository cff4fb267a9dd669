"""Property-based tests: whatever a user writes, `pinn` answers with a valid run configuration or a
located ConfigError (exit 2); never another exception, never a traceback.

Inputs are random YAML documents, random mutations of every shipped config (a value replaced,
a key deleted, an unknown key added), and random edits of their text. A configuration that
parses is also checked (problem built, activation checked), which may refuse it with a
SmoothnessError (exit 3): that is a valid answer too.
"""
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pinn.app import config
from pinn.app.cli import main
from pinn.app.plan import check_problem
from pinn.core.errors import ConfigError, SmoothnessError

CONFIGS = sorted((Path(__file__).parent.parent / "configs").glob("*.yaml"))
DOCUMENTS = {path.name: yaml.safe_load(path.read_text()) for path in CONFIGS}
SCHEMA_KEYS = ["name", "problem", "type", "params", "network", "layers", "activation", "training",
               "stages", "optimizer", "steps", "points", "interior", "constraint", "penalty", "domain",
               "equation", "boundary", "at", "value", "exact", "obstacle", "expression", "lr", "mu"]
EXPRESSIONS = ["u_xx", "-lap(u) - 1", "x**2", "__import__('os')", "1/0", "log(x)", "x = 0", "boundary",
               "y = 1", "sin(", "u_xxxxx", "where(x, 1, 2)", "10**10**10", "x.__class__", "relu(x)**3"]
WEIRD = st.one_of(
    st.none(), st.booleans(), st.integers(-10**6, 10**6), st.integers(-10**30, 10**30),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=12), st.sampled_from(EXPRESSIONS),
    st.lists(st.integers(-3, 100), max_size=3), st.lists(st.floats(-5, 5), min_size=2, max_size=2),
    st.dictionaries(st.sampled_from(SCHEMA_KEYS + ["zzz"]), st.integers(-2, 5), max_size=2))
EXAMPLES = 150  # per property; measured ~6 ms per example


def answer(data, source="fuzz.yaml"):
    """Parse and check the problem; returns what happened. Any other exception fails the test."""
    try:
        cfg = config.parse(data, source)
    except ConfigError as e:
        first = str(e).splitlines()[0]
        assert first.startswith(source) and ": " in first, first
        return "config error"
    try:
        check_problem(cfg)
    except ConfigError:
        return "config error"
    except SmoothnessError:
        return "refused"
    return "valid"


def paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for key, child in node.items():
            yield from paths(child, prefix + (key,))
    elif isinstance(node, list):
        for i, child in enumerate(node):
            yield from paths(child, prefix + (i,))


def mutate(document, path, operation, value):
    """A deep copy of ``document`` with one change at ``path``."""
    data = yaml.safe_load(yaml.safe_dump(document))
    if not path:
        return value
    parent = data
    for key in path[:-1]:
        parent = parent[key]
    last = path[-1]
    if operation == "delete" and isinstance(parent, dict):
        del parent[last]
    elif operation == "add key" and isinstance(parent.get(last) if isinstance(parent, dict) else None, dict):
        parent[last]["unexpected_key"] = value
    else:
        parent[last] = value
    return data


@st.composite
def mutations(draw):
    name = draw(st.sampled_from(sorted(DOCUMENTS)))
    document = DOCUMENTS[name]
    path = draw(st.sampled_from(list(paths(document))))
    operation = draw(st.sampled_from(["replace", "delete", "add key"]))
    return mutate(document, path, operation, draw(WEIRD))


@settings(max_examples=EXAMPLES * 3, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutations())
def test_mutated_shipped_configs_are_valid_or_a_located_config_error(data):
    answer(data)


DOCUMENT = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-100, 100), st.floats(), st.text(max_size=8),
              st.sampled_from(EXPRESSIONS)),
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(st.sampled_from(SCHEMA_KEYS), inner, max_size=5)),
    max_leaves=20)


@settings(max_examples=EXAMPLES * 2, deadline=None)
@given(DOCUMENT)
def test_random_documents_are_valid_or_a_located_config_error(data):
    answer(data)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(CONFIGS), st.integers(0, 10**6), st.sampled_from(["delete", "insert", "replace"]),
       st.sampled_from(list(":-[]{}\"'#&*!|>%@ \n\t0x")))
def test_edited_yaml_text_through_the_cli_exits_0_2_or_3_without_traceback(path, where, edit, char):
    text = path.read_text()
    i = where % len(text)
    text = {"delete": text[:i] + text[i + 1:], "insert": text[:i] + char + text[i:],
            "replace": text[:i] + char + text[i + 1:]}[edit]
    with tempfile.TemporaryDirectory() as folder:
        file = Path(folder) / "edited.yaml"
        file.write_text(text)
        assert main(["check", str(file)]) in (0, 2, 3)


def test_yaml_that_refers_to_itself_or_nests_deeply_is_a_config_error(tmp_path):
    for text in ("name: &a [*a]\n", "problem: &p {type: *p}\n", "a: " + "[" * 5000 + "]" * 5000 + "\n",
                 "name: !!python/object/apply:os.system ['true']\n"):
        file = tmp_path / "odd.yaml"
        file.write_text(text)
        try:
            config.load(file)
        except ConfigError as e:
            assert str(e).startswith(str(file))
        else:
            raise AssertionError(text[:40])


def test_every_shipped_config_is_valid():
    for name, data in DOCUMENTS.items():  # poisson1d_relu shows the C^k refusal on purpose
        source = str(CONFIGS[0].parent / name)  # an inverse config's data file lies beside it
        assert answer(data, source) == ("refused" if name == "poisson1d_relu.yaml" else "valid"), name
    assert len(DOCUMENTS) >= 22  # 17 registered-problem configs and 5 expression configs
