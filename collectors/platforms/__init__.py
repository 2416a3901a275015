"""One module per platform, each a `collectors.base.Collector` for one source kind; which
kind goes to which collector is `collectors.registry`'s job."""
