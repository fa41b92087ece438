"""Seats, capacity, waitlists and participant states: one service shared by the plugins."""
