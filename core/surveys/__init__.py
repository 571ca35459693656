"""Satisfaction surveys and consultations (群众评议, 重大决策征求意见): the survey as data,
its file form, its audience, answering in chat, and the mass-push engine's rules."""
