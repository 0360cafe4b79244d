"""Messages to participants: their tables before the event, what changed after a replan, and
whom they met afterwards; written as drafts and sent only when the organiser asks."""
