"""Team today: how the team is doing today, and high-fives between colleagues."""
