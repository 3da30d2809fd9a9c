"""Live sessions: a key person leads the team and every phone follows."""
