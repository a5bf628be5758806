"""Board decisions (at meetings, by chair's action, by written resolution) and the actions arising."""
