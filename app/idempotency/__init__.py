"""Requests sent twice that create once: the rule of one-time keys (``claims``), which the staff
workspace's create forms (app/staff/once.py) and the JSON API's ``Idempotency-Key`` (``service``,
``header``) both follow."""
