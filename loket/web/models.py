"""The citizen pages keep no models of their own (service notices live in loket/offices)."""
