"""Rehearse: a simulated child for whom a trainee is the secure base (issue 14).

The child's history comes from the engine (years under the scenario's home care); the trainee
joins as a new figure, and each response sets that figure's qualities for one moment of the
model's step (``model/step.py`` through ``engine/kernels``). ``env.RehearsalEnv`` is the
Gymnasium environment; the web app (``securebase.web``) drives it, never a copy of the model.
"""
