"""Moderation: what a message violates (pure scans over normalized text), and the escalation ladder."""
