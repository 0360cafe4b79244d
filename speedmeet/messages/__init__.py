"""Messages to participants: their tables before the event, what changed after a replan, and
whom they met afterwards; written as drafts and sent only when the organiser asks.

The file names live here, light to import, so that the command line knows them without
loading the e-mail and calendar libraries.
"""

FOLDERS = {"itinerary": "messages", "changes": "messages-changes", "after": "messages-after"}
MAIL_MERGE = "mail-merge.csv"
WITHOUT_EMAIL = "without-email.csv"
SEND_LOG = "send-log.csv"
