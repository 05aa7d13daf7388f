"""Notification delivery building blocks: events, signed webhooks, Slack and email.

Nothing in this package touches the database. The outbox worker (in the webhooks feature) stores
:class:`~tessera.notifications.events.Event` payloads, claims due rows and calls the senders here; the
pure retry policy tells it when to try again.
"""
