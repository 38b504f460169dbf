# Reader comments arrive with the comments issue; the article page shows the empty state.
