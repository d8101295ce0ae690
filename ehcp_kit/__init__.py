"""ehcp-kit: write, check and render the Outcomes section of English EHC plans.

The plan model and the timescale resolver are imported here. Rendering, loading and
batch running live in their own modules (``ehcp_kit.render``, ``ehcp_kit.loaders``,
``ehcp_kit.batch``) so that importing the package stays cheap in every notebook kernel.
"""

import logging

from .areas import AreaOfNeed, PreparingForAdulthood, normalise_area
from .errors import (
    DataError,
    EhcpKitError,
    Location,
    MissingDependencyError,
    TimescaleError,
)
from .outcomes import Outcome, Step, SuccessCriterion
from .plan import Child, Need, Plan
from .provision import Provision, Resources
from .timescales import SchoolCalendar, resolve, year_group

__version__ = "0.1.0"

__all__ = [
    "AreaOfNeed",
    "Child",
    "DataError",
    "EhcpKitError",
    "Location",
    "MissingDependencyError",
    "Need",
    "Outcome",
    "Plan",
    "PreparingForAdulthood",
    "Provision",
    "Resources",
    "SchoolCalendar",
    "Step",
    "SuccessCriterion",
    "TimescaleError",
    "__version__",
    "normalise_area",
    "resolve",
    "year_group",
]

# The one logger of the package. It logs child ids, never names or dates of birth.
logging.getLogger(__name__).addHandler(logging.NullHandler())
