"""Trainings, study visits, exchanges and coaching: applications, seats, certificates."""
