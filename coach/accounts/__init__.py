"""People, how they get in (invites, passwords, sign-in links) and stay signed in."""
