"""Small models train on one intra-op thread, large ones on the cores (#13)."""

import threading

import torch

from engine.graph.mlp import mlp_graph
from engine.presets import load_preset
from engine.train import Session
from engine.train.compare import make_compare
from engine.train.device import apply_thread_policy, trainer_threads


def _large():
    p = load_preset("circle")
    p.graph = mlp_graph([400, 400], "tanh")  # 161,601 parameters
    return p


def test_small_models_take_one_thread_large_ones_the_cores():
    small, large = Session(load_preset("circle")), Session(_large())
    assert trainer_threads(small, 8, gui=False) == 1 and trainer_threads(small, 8, gui=True) == 1
    assert trainer_threads(large, 8, gui=False) == 8
    assert trainer_threads(large, 8, gui=True) == 7  # a core stays with the GUI thread
    assert trainer_threads(large, 1, gui=True) == 1
    compare = make_compare(load_preset("circle"), [{"learning_rate": 0.1}, {"learning_rate": 0.03}])
    assert trainer_threads(compare, 8, gui=True) == 1


def test_the_policy_is_set_on_the_training_thread_for_every_project():
    seen = []

    def worker():
        torch.set_num_threads(2)
        s = Session(load_preset("circle"))
        s.thread_policy = "cli"
        seen.append(apply_thread_policy(s, gui=False))
        seen.append(torch.get_num_threads())
        s.set_project(_large())  # a project swapped in on the worker sizes its threads too
        seen.append(torch.get_num_threads())

    before = torch.get_num_threads()
    t = threading.Thread(target=worker)
    t.start()
    t.join()
    torch.set_num_threads(before)
    import os

    assert seen == [1, 1, os.cpu_count() or 1]
