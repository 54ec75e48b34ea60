"""Sending e-mail: SMTP settings (environment or Streamlit secrets, passed in), messages in Vietnamese
built with the standard library, and delivery with per-recipient results and retries.

Reminders, the meeting pack and any later digest compose a `Mail` and hand it to `deliver.send`
(or `deliver.send_later`, which never blocks the page that asked)."""
