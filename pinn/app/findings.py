"""What a problem family reports beyond the common metrics, registered here on the app side by
problem class: the problems layer states the mathematics, the app layer draws and words it.

``FINDINGS[cls](problem, model, evaluation, title)`` returns a :class:`pinn.app.report.Findings`
(metrics.json entries, summary lines, figures); the most derived registered class of a problem
wins, and a problem whose classes are not registered reports nothing more.
"""
from __future__ import annotations

from pinn.app.cavity_report import cavity_report
from pinn.app.option_report import option_report
from pinn.problems.american import AmericanOption
from pinn.problems.navier_stokes import LidDrivenCavity

FINDINGS = {AmericanOption: option_report, LidDrivenCavity: cavity_report}


def findings(problem, model, evaluation, title: str):
    """The registered report of ``problem``'s family, or None."""
    for cls in type(problem).__mro__:
        if cls in FINDINGS:
            return FINDINGS[cls](problem, model, evaluation, title)
    return None
