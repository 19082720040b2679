// Module Text: see README.md for its place in the layering.
