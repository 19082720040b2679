// Module Metrics: see README.md for its place in the layering.
