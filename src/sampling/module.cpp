// Module sampling: see README layout.
