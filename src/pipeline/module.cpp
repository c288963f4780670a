// Module pipeline: see README layout.
