"""Administration pages of the staff workspace: users, entities, API keys and the audit log. Each calls
the same service as its API route (app/users, app/entities, app/audit), so roles, the password policy,
the last-admin protection, ETags and audit events are the API's own."""
