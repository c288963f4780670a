// Module backend: see README layout.
