"""Consuming events: handlers, the batch applier, sub-program filters and the Kafka loop."""
