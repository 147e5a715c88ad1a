"""Recording a training run headless (issue #12, Classroom): ``headless.record_run`` is
what ``nodeplay record`` calls. The window's own recorder is app.shell.recording; both
write with engine.export.animation (no Qt there).
"""
