"""Reminders: each person's digest of their work by e-mail (daily, weekly or never), through an outbox."""
