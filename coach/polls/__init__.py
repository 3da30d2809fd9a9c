"""Team polls: the team chooses its next exercises and its training time."""
