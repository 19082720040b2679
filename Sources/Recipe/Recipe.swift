// Module Recipe: see README.md for its place in the layering.
