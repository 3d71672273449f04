"""The editorial calendar: campaigns (dated moments) grouping content and ideas."""
