"""Accounts use Django's own user model; what a learner did lives with the app that records it
(lessons: completions, quiz: attempts, simulator: predictions)."""
