"""What every app shares, below them all: the concept vocabulary, number formatting for display,
the anonymous learner's identity and the first-visit page cache. Imports only Django and margin."""
