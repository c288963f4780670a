// Module naming: see README layout.
