"""The regional reporting line: partner professionals report places, events and tensions.

`form` validates a report (web form and API alike), `reading` runs it through the same NLP as
the online posts (gazetteer, time grammar, classifier), `joining` files it under the signal of
its gathering, `tokens` holds the partner systems' API keys and their rate limit. The personal-data
detectors are in `pii`. The actions themselves are services: `signals.services.partner`.
"""
