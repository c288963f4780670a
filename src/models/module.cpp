// Module models: see README layout.
