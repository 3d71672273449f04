"""Production help (a designer, a writer, a video) asked for on an idea, a submission or an item."""
