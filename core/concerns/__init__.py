"""Concerns (诉求): the lifecycle, routing and dispatching, intake, the handler's task steps, the
admin queue, anonymity, supervision and the requester's follow-up (回访)."""
