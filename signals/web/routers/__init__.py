"""Extension point: every module here with an `APIRouter` named `router` is included by
`signals.web.app.create_app`. Use the helpers in `signals.web.deps`."""
