"""Channel-agnostic conversation flows: Inbound + conversation state -> core call -> Replies."""
