"""The errors a user can meet, each with the CLI exit code it maps to (README, "Command line")."""


class PinnError(Exception):
    """Base class: an error the CLI reports as one line, without a traceback."""

    exit_code = 1


class ConfigError(PinnError):
    """Invalid input: a file that cannot be read, or a value the schema does not allow."""

    exit_code = 2


class SmoothnessError(PinnError):
    """The network's activation is not smooth enough for the PDE's order, or the initial data have a
    kink no base solution carries (refused before training unless forced)."""

    exit_code = 3


class DivergenceError(PinnError):
    """Training produced a non-finite loss; the last good state was kept."""

    exit_code = 4


class ParamError(ValueError):
    """A bad parameter value, raised where the key path is not known yet.

    ``key`` is the parameter's path relative to its section (e.g. ``"beta"``); the config loader
    prefixes the file name and the section path before it reaches the user.
    """

    def __init__(self, key: str, value, expected: str):
        self.key, self.value, self.expected = key, value, expected
        super().__init__(f"got {value!r}; expected {expected}")
