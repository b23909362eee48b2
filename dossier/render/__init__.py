"""The renderers: each turns the prepared view of an edition into one output format."""
