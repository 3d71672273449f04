"""A program's communication kit: how to follow the company page, relay vs comment, where to
find internal information, visual assets."""
