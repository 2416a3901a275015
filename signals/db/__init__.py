"""The database: models, engines and sessions, column types.

The partner reporting tables live in their own module (`partner_models`, which builds on
`models`). Both are imported here, so that `Base.metadata` and the mappers know every table
whichever module of the package is imported first, without `models` importing
`partner_models` back (an import cycle).
"""

from signals.db import models, partner_models  # noqa: F401
