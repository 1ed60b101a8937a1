"""Wire contracts shared by every service: events, envelope, subjects, streams, registry."""
