"""Other areas' pages. A module here defines an `APIRouter` named `router` and is listed once in
`signals.web.app.ROUTERS` (tests/web/test_service_layer.py fails for one that is not). Use the
helpers in `signals.web.deps`; the unit of work (`signals.web.uow`) commits."""
