"""Virtual instruments: procedures that observe the model and code what they see, with error."""
