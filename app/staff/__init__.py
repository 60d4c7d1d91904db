"""The staff workspace: server-rendered pages under /staff/ where coordinators, focal points, admins and
readers do their daily work in a browser. Every page calls the same services as the API, so roles,
entity scoping, ETags, audit and validation are the API's own; this package adds sign-in with a
session cookie, CSRF tokens on every form, and HTML for each task."""
