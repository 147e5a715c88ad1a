"""Recording a training run to an animated GIF or an MP4 (issue #12, Classroom).

``headless.record_run`` is what ``nodeplay record`` calls; ``live`` records the window's
views while the user trains; ``writer`` turns frames into a file (no Qt there).
"""
