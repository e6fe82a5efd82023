"""Atlas: a self-hosted publishing platform for independent newsrooms."""
