"""Mediation services: proposals, placements, safeguarding and the notices about them."""
