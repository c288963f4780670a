// Module text: see README layout.
