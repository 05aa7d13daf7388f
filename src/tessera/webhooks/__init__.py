"""Webhook subscriptions, delivery tracking and redelivery."""
