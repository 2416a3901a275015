"""The register of notified manifestations (Wom): import, edit, and match calls against it.

A call to gather in Almere that matches an active entry (same place, time inside the entry's
window, status "aangemeld" or "bevestigd") is "aangemeld"; a call without such a match is "niet
aangemeld". An entry's status is one of a closed set of Dutch values (nlp.vocabulary), checked in
`fields` for the form, the CSV import and the API alike, and by a CHECK constraint in the
database. That is a fact about the register, never a finding that a gathering is illegal (see
docs/legal.md), and the wording stays that way everywhere.

`fields` (parsing and validation), `places` (place names to the gazetteer), `matching` (which
entry a call matches, which signals a change affects), `entries` (create, update, list) and
`csv_import`. A change returns the ids of the open calls it may affect; the caller re-scores
them (`signals.services.register` does, with `signals.detection.lifecycle.refresh_signals`).
"""
