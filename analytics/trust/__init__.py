"""Who may do what and what happened: accounts and permissions, the permission-checked actions every
write goes through, the audit trail, backups, and the handling of hostile text."""
