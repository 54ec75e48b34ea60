"""The campaign's calendar: reporting deadlines, who reported when, reminders and registration at signing."""
