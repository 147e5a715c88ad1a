"""The main window, its menus, modes and file handling, and the compare window: layout and wiring."""
