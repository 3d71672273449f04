"""Program managers and reviewers: roles granted on one program or sub-program."""
