"""Creation: ideas (briefs), ambassadors' submissions and their review, production help."""
