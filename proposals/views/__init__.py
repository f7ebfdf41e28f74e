"""Community pages: suggest a change, the proposals list and page, decisions, comment forms, watching.

Views stay thin: look objects up through proposals.access, validate a form,
call a service, then redirect (or re-render the page with the input and the
errors). Every write is a POST with CSRF; a GET never writes. Signed-out
visitors who post are sent to sign in; refusals by the services become 403
(PermissionDenied) or a page with a 409 message (Conflict).

One module per page family; none imports another. What they share lives
outside the package: presenters in proposals.pages, the rest in proposals.view_helpers.
The account and API token pages live in the accounts app.
"""
