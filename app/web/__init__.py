"""What the server-rendered sites (the public portal and the staff workspace) share: the interface
languages, the one message catalogue, and localised dates and numbers."""
