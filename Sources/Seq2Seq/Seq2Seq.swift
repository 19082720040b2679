// Module Seq2Seq: see README.md for its place in the layering.
